package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.support.TestApp;

/** {@code POST/DELETE /api/managers/{id}/token} through a real HTTP client: who may, and that revoked means 401 at once. */
class TokensApiTest {

  static final AtomicInteger EXTENSIONS = new AtomicInteger(700);

  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static JsonObject create(String role) {
    int ext = EXTENSIONS.incrementAndGet();
    var r = await(t.post("/api/managers", ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", role + ext).put("extension", String.valueOf(ext)).put("maxActiveDeals", 5).put("role", role)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static int whoAmI(JsonObject manager, String token) {
    return await(t.get("/api/managers/" + manager.getLong("id"), token).send()).statusCode();
  }

  static long liveTokens(long managerId) {
    try {
      return t.app.pool().preparedQuery("SELECT count(*) FROM api_tokens WHERE manager_id = $1 AND revoked_at IS NULL")
          .execute(Tuple.of(managerId)).await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<Buffer> reissue(long id, String token) {
    return await(t.post("/api/managers/" + id + "/token", token).send());
  }

  static HttpResponse<Buffer> revoke(String id, String token) {
    return await(t.http.delete("/api/managers/" + id + "/token").bearerTokenAuthentication(token).send());
  }

  @Test
  void aReissuedTokenIsShownOnceAndThePreviousOneStopsAtOnce() {
    JsonObject olga = create("operator");
    String first = olga.getString("token");
    assertThat(whoAmI(olga, first)).isEqualTo(200);

    var r = reissue(olga.getLong("id"), ADMIN_TOKEN);

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    String second = r.bodyAsJsonObject().getString("token");
    assertThat(second).startsWith("dz_").isNotEqualTo(first);
    assertThat(r.bodyAsJsonObject().fieldNames()).containsExactly("token");
    assertThat(whoAmI(olga, first)).as("the previous token, on the very next request").isEqualTo(401);
    assertThat(whoAmI(olga, second)).isEqualTo(200);
    var shown = await(t.get("/api/managers/" + olga.getLong("id"), ADMIN_TOKEN).send()).bodyAsString();
    assertThat(shown).doesNotContain(second);
    assertThat(liveTokens(olga.getLong("id"))).isEqualTo(1);
  }

  @Test
  void aRevokedTokenStopsAtOnceAndANewOneCanBeIssued() {
    JsonObject pavel = create("operator");
    String token = pavel.getString("token");
    JsonObject sveta = create("supervisor");

    var r = revoke(pavel.getString("id"), sveta.getString("token"));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(204);
    assertThat(whoAmI(pavel, token)).isEqualTo(401);
    var again = reissue(pavel.getLong("id"), sveta.getString("token"));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(whoAmI(pavel, again.bodyAsJsonObject().getString("token"))).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0} on {1}'s token -> {2}")
  @CsvSource({
      "admin, operator, 200",
      "admin, supervisor, 200",
      "supervisor, operator, 200",
      "supervisor, supervisor, 403",
      "supervisor, self, 403",
      "operator, operator, 403",
      "operator, self, 403",
  })
  void whoMayReissueAndRevoke(String caller, String target, int expected) {
    JsonObject me = "admin".equals(caller) ? null : create(caller);
    String token = me == null ? ADMIN_TOKEN : me.getString("token");
    JsonObject of = "self".equals(target) ? me : create(target);
    var issued = reissue(of.getLong("id"), token);
    assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(expected);
    var revoked = revoke(of.getString("id"), token);
    assertThat(revoked.statusCode()).as(revoked.bodyAsString()).isEqualTo(expected == 200 ? 204 : expected);
    if (expected == 403) {
      assertThat(whoAmI(of, of.getString("token"))).as("a refused caller changed nothing").isEqualTo(200);
      assertThat(issued.bodyAsJsonObject().getString("detail")).isNotBlank();
    }
  }

  @Test
  void theBuiltInAdminsTokenIsNotRevocableHere() {
    var post = await(t.post("/api/managers/admin/token", ADMIN_TOKEN).send());
    var delete = revoke("admin", ADMIN_TOKEN);
    for (var r : java.util.List.of(post, delete)) {
      assertThat(r.statusCode()).isEqualTo(409);
      assertThat(r.bodyAsJsonObject().getString("rule")).isEqualTo("admin_token_not_revocable");
      assertThat(r.bodyAsJsonObject().getString("detail")).contains("DOZVON_ADMIN_TOKEN").doesNotContain(ADMIN_TOKEN);
    }
    assertThat(await(t.get("/api/managers", ADMIN_TOKEN).send()).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownAndBadIds() {
    assertThat(reissue(999_999, ADMIN_TOKEN).statusCode()).isEqualTo(404);
    assertThat(revoke("999999", ADMIN_TOKEN).statusCode()).isEqualTo(404);
    var bad = revoke("x1", ADMIN_TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("field")).isEqualTo("id");
    assertThat(await(t.post("/api/managers/1/token", null).send()).statusCode()).isEqualTo(401);
  }
}
