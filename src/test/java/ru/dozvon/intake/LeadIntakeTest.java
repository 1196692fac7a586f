package ru.dozvon.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import ru.dozvon.deals.FunnelFixture;

/** POST /api/leads against the real database: validation, dedup by phone and email, idempotency, races. */
class LeadIntakeTest {

  static FunnelFixture f;
  static final AtomicInteger EMAILS = new AtomicInteger();

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static String newEmail() {
    return "lead" + EMAILS.incrementAndGet() + "@Example.ru";
  }

  static HttpResponse<Buffer> lead(JsonObject body) {
    return f.post("/api/leads", ADMIN_TOKEN, body);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}| source",
      "{\"phone\":\"+79161234567\"}| source",
      "{\"source\":\"fax\",\"phone\":\"+79161234567\"}| source",
      "{\"source\":\"missed_call\",\"phone\":\"+79161234567\"}| source",
      "{\"source\":7,\"phone\":\"+79161234567\"}| source",
      "{\"source\":\"web_form\"}| phone",
      "{\"source\":\"web_form\",\"phone\":\"  \",\"email\":\"\"}| phone",
      "{\"source\":\"web_form\",\"phone\":\"12\"}| phone",
      "{\"source\":\"web_form\",\"phone\":\"not a phone\"}| phone",
      "{\"source\":\"web_form\",\"phone\":\"anonymous\"}| phone",
      "{\"source\":\"web_form\",\"phone\":79161234567}| phone",
      "{\"source\":\"web_form\",\"phone\":\"+7916123456789012345678901234567890123456789\"}| phone",
      "{\"source\":\"web_form\",\"email\":\"no-at-sign\"}| email",
      "{\"source\":\"web_form\",\"email\":\"a@b\"}| email",
      "{\"source\":\"web_form\",\"email\":\"a b@c.ru\"}| email",
      "{\"source\":\"web_form\",\"email\":\"a@@c.ru\"}| email",
      "{\"source\":\"web_form\",\"email\":\"a@пример..рф\"}| email",
      "{\"source\":\"web_form\",\"email\":[\"a@c.ru\"]}| email",
      "{\"source\":\"web_form\",\"phone\":\"+79161234567\",\"name\":5}| name",
      "{\"source\":\"web_form\",\"phone\":\"+79161234567\",\"fields\":\"utm\"}| fields",
      "{\"source\":\"web_form\",\"phone\":\"+79161234567\",\"fields\":{\"utm\":{\"a\":1}}}| fields.utm",
      "{\"source\":\"web_form\",\"phone\":\"+79161234567\",\"fields\":{\"x\":[1]}}| fields.x",
      "{\"source\":\"web_form\",\"phone\":\"+79161234567\",\"fields\":{\"кириллица\":1}}| fields.кириллица",
      "{\"source\":\"web_form\",\"phone\":\"+79161234567\",\"utm_source\":\"ya\"}| utm_source",
      "[1,2]| body",
      "\"lead\"| body"})
  void badLeadsAre400NamingTheField(String json, String field) {
    var r = await(f.t.post("/api/leads", ADMIN_TOKEN).sendBuffer(Buffer.buffer(json)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 2001, 5000})
  void oversizedValuesAre400(int length) {
    JsonObject body = new JsonObject().put("source", "web_form").put("phone", FunnelFixture.newPhone());
    String field;
    if (length == 201) {
      body.put("name", "я".repeat(length));
      field = "name";
    } else if (length == 2001) {
      body.put("fields", new JsonObject().put("comment", "x".repeat(length)));
      field = "fields.comment";
    } else {
      JsonObject many = new JsonObject();
      for (int i = 0; i < 51; i++) {
        many.put("f" + i, i);
      }
      body.put("fields", many);
      field = "fields";
    }
    var r = lead(body);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
  }

  @Test
  void aBadIdempotencyKeyIs400() {
    var r = await(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Idempotency-Key", "has spaces in it")
        .sendJsonObject(new JsonObject().put("source", "chat").put("phone", FunnelFixture.newPhone())));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("Idempotency-Key");
  }

  @Test
  void aNewLeadKeepsEverythingThatCame() {
    Instant now = Instant.parse("2026-08-03T08:15:00Z");
    f.clock.set(now);
    String phone = FunnelFixture.newPhone();
    String email = newEmail();
    JsonObject fields = new JsonObject().put("utm_source", "yandex").put("utm_campaign", "spring").put("budget", 150000)
        .put("agreed", true).put("note", null);
    var r = lead(new JsonObject().put("source", "web_form").put("phone", "8" + phone.substring(2))
        .put("email", email).put("name", "Анна").put("fields", fields));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject d = r.bodyAsJsonObject();
    assertThat(d.getString("source")).isEqualTo("web_form");
    assertThat(d.getString("arrivedAt")).isEqualTo(now.toString());
    assertThat(d.getJsonObject("fields")).isEqualTo(fields);
    assertThat(d.getJsonObject("contact").getString("phone")).isEqualTo(phone);
    assertThat(d.getJsonObject("contact").getString("email")).isEqualTo(email.toLowerCase());
    assertThat(d.getJsonObject("contact").getString("name")).isEqualTo("Анна");
    JsonObject created = d.getJsonArray("history").getJsonObject(0);
    assertThat(created.getString("kind")).isEqualTo("created");
    assertThat(created.getJsonObject("details").getJsonObject("fields")).isEqualTo(fields);
  }

  /** One open deal per contact: found again by the phone in any form, by the email in any case, or by both. */
  @ParameterizedTest
  @CsvSource({"phone, phone", "email, email", "both, phone", "both, email", "phone, both", "email, both"})
  void aSecondLeadAttachesToTheOpenDeal(String first, String second) {
    String phone = FunnelFixture.newPhone();
    String email = newEmail();
    var a = lead(withContact(new JsonObject().put("source", "web_form"), first, phone, email)
        .put("fields", new JsonObject().put("utm_source", "google")));
    assertThat(a.statusCode()).as(a.bodyAsString()).isEqualTo(201);
    var b = lead(withContact(new JsonObject().put("source", "manual"), second, "+7 (" + phone.substring(2, 5) + ") "
        + phone.substring(5, 8) + "-" + phone.substring(8, 10) + "-" + phone.substring(10), email.toUpperCase())
        .put("fields", new JsonObject().put("utm_source", "other").put("page", "/price")));
    assertThat(b.statusCode()).as(b.bodyAsString()).isEqualTo(200);
    JsonObject d = b.bodyAsJsonObject();
    assertThat(d.getLong("id")).isEqualTo(a.bodyAsJsonObject().getLong("id"));
    assertThat(d.getJsonObject("fields").getString("utm_source")).as("the first value stays").isEqualTo("google");
    assertThat(d.getJsonObject("fields").getString("page")).isEqualTo("/price");
    JsonObject last = d.getJsonArray("history").getJsonObject(d.getJsonArray("history").size() - 1);
    assertThat(last.getString("kind")).isEqualTo("lead");
    assertThat(last.getJsonObject("details").getJsonObject("fields").getString("utm_source")).isEqualTo("other");
    assertThat(f.query("SELECT 1 FROM deals d JOIN contacts k ON k.id = d.contact_id WHERE k.phone = $1 OR k.email = $2",
        phone, email.toLowerCase()).size()).isEqualTo(1);
  }

  /** An address under a Cyrillic domain is accepted, and its Unicode and punycode spellings are one contact. */
  @ParameterizedTest(name = "{0} then {1}")
  @CsvSource({
      "клиент{n}@пример.рф, клиент{n}@xn--e1afmkfd.xn--p1ai",
      "user{n}@xn--e1afmkfd.xn--p1ai, USER{n}@Пример.РФ",
      "Клиент{n}@ПРИМЕР.РФ, клиент{n}@пример.рф"})
  void anInternationalEmailIsOneContactInEitherSpelling(String first, String second) {
    String n = String.valueOf(EMAILS.incrementAndGet());
    var a = lead(new JsonObject().put("source", "email").put("email", first.replace("{n}", n)));
    assertThat(a.statusCode()).as(a.bodyAsString()).isEqualTo(201);
    String stored = a.bodyAsJsonObject().getJsonObject("contact").getString("email");
    assertThat(stored).as("one spelling: lower case, the domain in ASCII").endsWith("@xn--e1afmkfd.xn--p1ai")
        .isEqualTo(stored.toLowerCase(java.util.Locale.ROOT));
    var b = lead(new JsonObject().put("source", "web_form").put("email", second.replace("{n}", n))
        .put("phone", FunnelFixture.newPhone()));
    assertThat(b.statusCode()).as(b.bodyAsString()).isEqualTo(200);
    assertThat(b.bodyAsJsonObject().getLong("id")).isEqualTo(a.bodyAsJsonObject().getLong("id"));
    assertThat(f.query("SELECT count(*) FROM contacts WHERE email = $1", stored).iterator().next().getLong(0))
        .isEqualTo(1);
  }

  static JsonObject withContact(JsonObject body, String which, String phone, String email) {
    if (!which.equals("email")) {
      body.put("phone", phone);
    }
    if (!which.equals("phone")) {
      body.put("email", email);
    }
    return body;
  }

  @Test
  void aLeadMatchingTwoContactsGoesToThePhonesDealAndSaysSo() {
    String phone = FunnelFixture.newPhone();
    String email = newEmail();
    long byPhone = lead(new JsonObject().put("source", "web_form").put("phone", phone)).bodyAsJsonObject().getLong("id");
    long byEmail = lead(new JsonObject().put("source", "email").put("email", email)).bodyAsJsonObject().getLong("id");
    var r = lead(new JsonObject().put("source", "web_form").put("phone", phone).put("email", email));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getLong("id")).isEqualTo(byPhone).isNotEqualTo(byEmail);
    JsonObject last = r.bodyAsJsonObject().getJsonArray("history").getJsonObject(
        r.bodyAsJsonObject().getJsonArray("history").size() - 1);
    assertThat(last.getJsonObject("details").getLong("alsoMatchedContactId"))
        .isEqualTo(f.deal(byEmail).getJsonObject("contact").getLong("id"));
  }

  /**
   * A later message by chat, email, messenger or another form is the lead's own message (DOMAIN 3): kept on the
   * deal as a {@code message}, not contact (no speed-to-lead); a lead typed in by hand is only added to the deal.
   */
  @ParameterizedTest
  @CsvSource({"chat, message", "email, message", "messenger, message", "web_form, message", "manual, lead"})
  void aLeadsOwnMessageIsNotContact(String channel, String kind) {
    boolean contact = false;
    Instant arrived = Instant.parse("2026-08-10T09:00:00Z");
    f.clock.set(arrived);
    String email = newEmail();
    long id = lead(new JsonObject().put("source", "web_form").put("email", email)).bodyAsJsonObject().getLong("id");
    double before = speedCount();
    f.clock.set(arrived.plus(Duration.ofMinutes(7)));
    var r = lead(new JsonObject().put("source", channel).put("email", email));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject d = r.bodyAsJsonObject();
    assertThat(d.getLong("id")).isEqualTo(id);
    assertThat(d.getString("firstContactAt")).isEqualTo(contact ? f.clock.instant().toString() : null);
    f.clock.set(arrived.plus(Duration.ofMinutes(30)));
    lead(new JsonObject().put("source", channel).put("email", email));
    assertThat(f.deal(id).getString("firstContactAt")).isEqualTo(contact ? arrived.plus(Duration.ofMinutes(7)).toString() : null);
    assertThat(speedCount() - before).isEqualTo(contact ? 1.0 : 0.0);
    assertThat(f.deal(id).getJsonArray("history").stream().map(JsonObject.class::cast)
        .filter(h -> h.getString("kind").equals(kind))).hasSize(2);
  }

  static double speedCount() {
    var timer = f.t.app.meters().registry().find("dozvon_speed_to_lead_seconds").timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void theSpeedToLeadHistogramHasTheSeedsBuckets() {
    String scrape = f.t.app.meters().scrape();
    for (String le : new String[] {"300.0", "1200.0", "10800.0", "43200.0"}) {
      assertThat(scrape).contains("dozvon_speed_to_lead_seconds_bucket{le=\"" + le + "\"}");
    }
  }

  @ParameterizedTest
  @CsvSource({"phone", "email"})
  void theSameIdempotencyKeyGivesTheSameDealAndStatus(String by) {
    String key = "form-" + by + "-" + System.nanoTime();
    JsonObject body = withContact(new JsonObject().put("source", "web_form"), by, FunnelFixture.newPhone(), newEmail());
    var first = await(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Idempotency-Key", key).sendJsonObject(body));
    var again = await(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Idempotency-Key", key).sendJsonObject(body));
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).as("the stored status, not 200").isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getLong("id")).isEqualTo(first.bodyAsJsonObject().getLong("id"));
    var other = await(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Idempotency-Key", key + "-2").sendJsonObject(body));
    assertThat(other.statusCode()).as("another key: attaches").isEqualTo(200);
    assertThat(intakeRows(first.bodyAsJsonObject().getJsonArray("history"))).isEqualTo(1);
    assertThat(intakeRows(f.deal(first.bodyAsJsonObject().getLong("id")).getJsonArray("history"))).isEqualTo(2);
  }

  /** 50 identical posts at once give one deal: one 201, the rest 200 (or 201 again for the same key). */
  @ParameterizedTest
  @CsvSource({"phone, false", "phone, true", "email, false", "email, true", "both, false", "both, true"})
  void fiftyIdenticalPostsInParallelGiveOneDeal(String by, boolean withKey) throws Exception {
    JsonObject body = withContact(new JsonObject().put("source", "web_form"), by, FunnelFixture.newPhone(), newEmail());
    String key = "race-" + System.nanoTime();
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      var req = f.t.post("/api/leads", ADMIN_TOKEN);
      if (withKey) {
        req.putHeader("Idempotency-Key", key);
      }
      all.add(req.sendJsonObject(body));
    }
    Future.all(all).await(60, TimeUnit.SECONDS);
    Set<Long> deals = new HashSet<>();
    int created = 0;
    for (var r : all) {
      assertThat(r.result().statusCode()).as(r.result().bodyAsString()).isIn(200, 201);
      deals.add(r.result().bodyAsJsonObject().getLong("id"));
      created += r.result().statusCode() == 201 ? 1 : 0;
    }
    assertThat(deals).hasSize(1);
    assertThat(created).isEqualTo(withKey ? 50 : 1);
    long id = deals.iterator().next();
    assertThat(intakeRows(f.deal(id).getJsonArray("history"))).isEqualTo(withKey ? 1 : 50);
  }

  /** History rows written by intake itself (routing and dialing add their own: owner, attempt_scheduled, task). */
  private static long intakeRows(io.vertx.core.json.JsonArray history) {
    return history.stream().map(JsonObject.class::cast).map(r -> r.getString("kind"))
        .filter(k -> k.equals("created") || k.equals("lead") || k.equals("message")).count();
  }
}
