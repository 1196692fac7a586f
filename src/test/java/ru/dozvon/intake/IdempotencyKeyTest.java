package ru.dozvon.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import ru.dozvon.deals.FunnelFixture;

/**
 * An Idempotency-Key stands for one request: sent again with the same lead it answers the first answer again;
 * with a different lead it is refused (422) rather than answering the first deal and dropping the second lead.
 */
class IdempotencyKeyTest {

  static FunnelFixture f;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static String newKey() {
    return "key-" + System.nanoTime();
  }

  static HttpResponse<Buffer> post(String key, JsonObject body) {
    return await(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Idempotency-Key", key).sendJsonObject(body));
  }

  static JsonObject lead(String phone) {
    return new JsonObject().put("source", "web_form").put("phone", phone).put("name", "Анна")
        .put("fields", new JsonObject().put("utm_source", "yandex").put("budget", 1000));
  }

  static Stream<Arguments> differentLeads() {
    return Stream.<Arguments>of(
        change("another phone", b -> b.put("phone", FunnelFixture.newPhone())),
        change("an email added", b -> b.put("email", "anna" + System.nanoTime() + "@example.ru")),
        change("another source", b -> b.put("source", "chat")),
        change("another name", b -> b.put("name", "Анна Петровна")),
        change("a field changed", b -> b.put("fields", b.getJsonObject("fields").copy().put("utm_source", "google"))),
        change("a field added", b -> b.put("fields", b.getJsonObject("fields").copy().put("page", "/price"))),
        change("a field's type", b -> b.put("fields", b.getJsonObject("fields").copy().put("budget", "1000"))));
  }

  static Arguments change(String what, UnaryOperator<JsonObject> how) {
    return Arguments.of(what, how);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("differentLeads")
  void theSameKeyWithADifferentLeadIs422NamingTheKey(String what, UnaryOperator<JsonObject> how) {
    String key = newKey();
    JsonObject body = lead(FunnelFixture.newPhone());
    var first = post(key, body);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    JsonObject other = how.apply(body.copy());

    var again = post(key, other);

    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(422);
    JsonObject err = again.bodyAsJsonObject();
    assertThat(err.getString("error")).isEqualTo("idempotency_key_reused");
    assertThat(err.getString("detail")).contains("'" + key + "'");
    assertThat(f.query("SELECT count(*) FROM deals d JOIN contacts k ON k.id = d.contact_id WHERE k.phone = $1",
        other.getString("phone")).iterator().next().getLong(0)).as("nothing stored for the refused lead")
        .isEqualTo(other.getString("phone").equals(body.getString("phone")) ? 1 : 0);
    var replay = post(key, body);
    assertThat(replay.statusCode()).as("the first lead still replays").isEqualTo(201);
    assertThat(replay.bodyAsJsonObject().getLong("id")).isEqualTo(first.bodyAsJsonObject().getLong("id"));
    var fresh = post(newKey(), other);
    assertThat(fresh.statusCode()).as("the other lead under its own key is taken").isIn(200, 201);
  }

  /** The same lead spelled differently (phone format, email case, key order, spaces around a name) is the same request. */
  @Test
  void theSameLeadSpelledDifferentlyReplays() {
    String key = newKey();
    String phone = FunnelFixture.newPhone();
    String email = "Anna" + System.nanoTime() + "@Example.RU";
    var first = post(key, new JsonObject().put("source", "web_form").put("phone", phone).put("email", email)
        .put("name", "Анна").put("fields", new JsonObject().put("a", 1).put("b", "x")));
    assertThat(first.statusCode()).isEqualTo(201);
    String national = "8 (" + phone.substring(2, 5) + ") " + phone.substring(5, 8) + "-" + phone.substring(8);
    var again = post(key, new JsonObject().put("fields", new JsonObject().put("b", "x").put("a", 1))
        .put("name", "  Анна ").put("email", email.toLowerCase()).put("phone", national).put("source", "web_form"));
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getLong("id")).isEqualTo(first.bodyAsJsonObject().getLong("id"));
  }

  /** Keys stored before request hashes were kept cannot be compared: they replay as before, whatever the body. */
  @Test
  void aKeyStoredWithoutAHashStillReplays() {
    String key = newKey();
    var first = post(key, lead(FunnelFixture.newPhone()));
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(f.query("SELECT request_hash FROM lead_requests WHERE idempotency_key = $1", key).iterator().next()
        .getString(0)).hasSize(64);
    f.sql("UPDATE lead_requests SET request_hash = NULL WHERE idempotency_key = $1", key);

    var again = post(key, lead(FunnelFixture.newPhone()));

    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getLong("id")).isEqualTo(first.bodyAsJsonObject().getLong("id"));
  }

  @Test
  void twentyParallelPostsOfOneKeyAndOneLeadGiveOneDeal() {
    String key = newKey();
    JsonObject body = lead(FunnelFixture.newPhone());
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Idempotency-Key", key).sendJsonObject(body));
    }
    awaitAll(all);
    Set<Long> deals = new HashSet<>();
    for (var r : all) {
      assertThat(r.result().statusCode()).as(r.result().bodyAsString()).isEqualTo(201);
      deals.add(r.result().bodyAsJsonObject().getLong("id"));
    }
    assertThat(deals).hasSize(1);
    assertThat(f.query("SELECT count(*) FROM deals d JOIN contacts k ON k.id = d.contact_id WHERE k.phone = $1",
        body.getString("phone")).iterator().next().getLong(0)).isEqualTo(1);
  }

  /** One key, two leads racing: whichever is stored first wins; every post of it gets its deal, every other a 422. */
  @Test
  void twentyParallelPostsOfOneKeyAndTwoLeadsTakeOnlyTheFirstStored() {
    String key = newKey();
    JsonObject[] bodies = {lead(FunnelFixture.newPhone()), lead(FunnelFixture.newPhone())};
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Idempotency-Key", key).sendJsonObject(bodies[i % 2]));
    }
    awaitAll(all);
    Set<Integer> winners = new HashSet<>();
    Set<Long> deals = new HashSet<>();
    int refused = 0;
    for (int i = 0; i < 20; i++) {
      var r = all.get(i).result();
      assertThat(r.statusCode()).as(r.bodyAsString()).isIn(201, 422);
      if (r.statusCode() == 201) {
        winners.add(i % 2);
        deals.add(r.bodyAsJsonObject().getLong("id"));
      } else {
        refused++;
        assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("idempotency_key_reused");
      }
    }
    assertThat(winners).as("only posts of one lead succeed").hasSize(1);
    assertThat(deals).hasSize(1);
    assertThat(refused).isEqualTo(10);
    int winner = winners.iterator().next();
    assertThat(f.deal(deals.iterator().next()).getJsonObject("contact").getString("phone"))
        .isEqualTo(bodies[winner].getString("phone"));
    assertThat(f.query("SELECT 1 FROM contacts WHERE phone = $1", bodies[1 - winner].getString("phone")).size())
        .as("the refused lead left nothing behind").isZero();
  }

  private static void awaitAll(List<Future<HttpResponse<Buffer>>> all) {
    try {
      Future.join(all).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
