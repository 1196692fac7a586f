package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.support.TestApp;

/** /api/managers through a real HTTP client: the auth matrix and every validation rule. */
class ManagersApiTest {

  static TestApp t;
  static JsonObject anna;
  static JsonObject boris;
  static String supervisorToken;

  @BeforeAll
  static void start() {
    t = TestApp.start();
    anna = t.createManager("Anna", "201", 10);
    boris = t.createManager("Boris", "202", 5);
    var sup = await(t.post("/api/managers", ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", "Sveta").put("extension", "299").put("maxActiveDeals", 0).put("role", "supervisor")));
    assertThat(sup.statusCode()).isEqualTo(201);
    supervisorToken = sup.bodyAsJsonObject().getString("token");
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void createdManagerStartsOffWithATokenThatWorks() {
    assertThat(anna.getString("state")).isEqualTo("OFF");
    assertThat(anna.getString("role")).isEqualTo("operator");
    assertThat(anna.getString("token")).startsWith("dz_");
    assertThat(anna.getJsonObject("load").getInteger("activeDeals")).isZero();
    var me = await(t.get("/api/managers/" + anna.getLong("id"), anna.getString("token")).send());
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getString("name")).isEqualTo("Anna");
    assertThat(me.bodyAsJsonObject().containsKey("token")).isFalse();
  }

  @Test
  void tokensAreStoredHashedOnly() throws Exception {
    try (var c = java.sql.DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password())) {
      var rs = c.createStatement().executeQuery("SELECT token_hash FROM api_tokens");
      while (rs.next()) {
        byte[] h = rs.getBytes(1);
        assertThat(h).hasSize(32);
        assertThat(new String(h, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("dz_");
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} as {2} -> {3}")
  @CsvSource({
      "GET,/api/managers,none,401",
      "GET,/api/managers,wrong,401",
      "GET,/api/managers,admin,200",
      "GET,/api/managers,supervisor,200",
      "GET,/api/managers,anna,200",
      "GET,/api/managers/{anna},anna,200",
      "GET,/api/managers/{boris},anna,403",
      "GET,/api/managers/{boris},supervisor,200",
      "POST,/api/managers,anna,403",
      "POST,/api/managers,none,401",
      "PATCH,/api/managers/{boris},anna,403",
      "GET,/api/nothing-here,admin,404",
      "GET,/api/nothing-here,none,401",
  })
  void authMatrix(String method, String path, String who, int expected) {
    String p = path.replace("{anna}", anna.getString("id")).replace("{boris}", boris.getString("id"));
    String token = switch (who) {
      case "none" -> null;
      case "wrong" -> "dz_not-a-real-token";
      case "admin" -> ADMIN_TOKEN;
      case "supervisor" -> supervisorToken;
      default -> anna.getString("token");
    };
    var req = switch (method) {
      case "GET" -> t.get(p, token);
      case "POST" -> t.post(p, token);
      default -> t.patch(p, token);
    };
    var r = await(method.equals("GET") ? req.send()
        : req.sendJsonObject(new JsonObject().put("name", "X").put("extension", "250").put("maxActiveDeals", 1)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(expected);
    if (expected >= 400) {
      assertThat(r.bodyAsJsonObject().getString("error")).isNotBlank();
      assertThat(r.bodyAsJsonObject().getString("detail")).isNotBlank();
    }
  }

  @Test
  void anOperatorSeesOnlyThemselvesInTheList() {
    JsonArray list = await(t.get("/api/managers", anna.getString("token")).send()).bodyAsJsonArray();
    assertThat(list).hasSize(1);
    assertThat(list.getJsonObject(0).getLong("id")).isEqualTo(anna.getLong("id"));
    JsonArray all = await(t.get("/api/managers", ADMIN_TOKEN).send()).bodyAsJsonArray();
    assertThat(all.size()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void anOperatorMayChangeOnlyTheirOwnState() {
    String token = anna.getString("token");
    String self = "/api/managers/" + anna.getLong("id");
    var on = await(t.patch(self, token).sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
    assertThat(on.statusCode()).isEqualTo(200);
    assertThat(on.bodyAsJsonObject().getString("state")).isEqualTo("ON_SHIFT");
    var cap = await(t.patch(self, token).sendJsonObject(new JsonObject().put("maxActiveDeals", 100)));
    assertThat(cap.statusCode()).isEqualTo(403);
  }

  @Test
  void staffUpdatesManagers() {
    String path = "/api/managers/" + boris.getLong("id");
    var r = await(t.patch(path, supervisorToken).sendJsonObject(new JsonObject()
        .put("maxActiveDeals", 7).put("state", "PAUSED").put("extension", "212")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getInteger("maxActiveDeals")).isEqualTo(7);
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("PAUSED");
    assertThat(r.bodyAsJsonObject().getString("extension")).isEqualTo("212");
    var missing = await(t.patch("/api/managers/999999", ADMIN_TOKEN).sendJsonObject(new JsonObject().put("state", "OFF")));
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"extension\":\"301\",\"maxActiveDeals\":5}|400|name",
      "{\"name\":\"  \",\"extension\":\"301\",\"maxActiveDeals\":5}|400|name",
      "{\"name\":\"N\",\"maxActiveDeals\":5}|400|extension",
      "{\"name\":\"N\",\"extension\":\"1\",\"maxActiveDeals\":5}|400|extension",
      "{\"name\":\"N\",\"extension\":\"12a\",\"maxActiveDeals\":5}|400|extension",
      "{\"name\":\"N\",\"extension\":\"301\"}|400|maxActiveDeals",
      "{\"name\":\"N\",\"extension\":\"301\",\"maxActiveDeals\":-1}|400|maxActiveDeals",
      "{\"name\":\"N\",\"extension\":\"301\",\"maxActiveDeals\":\"5\"}|400|maxActiveDeals",
      "{\"name\":\"N\",\"extension\":\"301\",\"maxActiveDeals\":2.5}|400|maxActiveDeals",
      "{\"name\":\"N\",\"extension\":\"301\",\"maxActiveDeals\":5,\"timezone\":\"Mars/Base\"}|400|timezone",
      "{\"name\":\"N\",\"extension\":\"301\",\"maxActiveDeals\":5,\"role\":\"admin\"}|400|role",
      "{\"name\":\"N\",\"extension\":\"301\",\"maxActiveDeals\":5,\"salary\":1}|400|salary",
      "{\"name\":\"N\",\"extension\":\"201\",\"maxActiveDeals\":5}|409|",
      "[1,2]|400|body",
      "not json|400|body",
      "|400|body",
  })
  void createValidation(String body, int status, String field) {
    var r = await(t.post("/api/managers", ADMIN_TOKEN).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body == null ? "" : body)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    if (field != null) {
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
      assertThat(r.bodyAsJsonObject().getString("detail")).startsWith(field + ":");
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"state\":\"SLEEPING\"}|state",
      "{\"maxActiveDeals\":100000}|maxActiveDeals",
      "{\"extension\":\"x\"}|extension",
      "{\"nope\":1}|nope",
  })
  void patchValidation(String body, String field) {
    var r = await(t.patch("/api/managers/" + boris.getLong("id"), ADMIN_TOKEN)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
  }

  @Test
  void oversizedBodiesAreRefused() {
    String big = "{\"name\":\"" + "x".repeat(70_000) + "\"}";
    var r = await(t.post("/api/managers", ADMIN_TOKEN).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(big)));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("body_too_large");
    assertThat(r.bodyAsJsonObject().getString("detail")).isEqualTo("the request body is over the limit of 65536 bytes");
    assertThat(t.config.http().maxBodyBytes()).isEqualTo(65536);
    String under = "{\"name\":\"" + "x".repeat(65_000) + "\"}";
    var fits = await(t.post("/api/managers", ADMIN_TOKEN).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(under)));
    assertThat(fits.statusCode()).as("under the limit: read and judged").isEqualTo(400);
    assertThat(fits.bodyAsJsonObject().getString("field")).isEqualTo("name");
  }

  @Test
  void badIdsAreNamed() {
    var r = await(t.get("/api/managers/abc", ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("id");
  }

  @Test
  void metricsAreServedInPrometheusFormat() {
    var r = await(t.http.get("/metrics").send());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(r.bodyAsString()).contains("jvm_memory_used_bytes", "dozvon_missed_calls_total", "vertx_http_server");
  }
}
