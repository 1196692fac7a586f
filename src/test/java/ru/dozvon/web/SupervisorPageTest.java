package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import ru.dozvon.support.Browser;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.FreshCall;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * The supervisor's page and the wallboard end to end, with real parts only: the real service on embedded
 * PostgreSQL, its Asterisk-Java link to the test AMI server replaying a captured Asterisk 22 missed call (as a new
 * call each time, ending at the test clock's now: {@link FreshCall}), and a real headless Chromium signing in
 * through the login page. One service and one browser for the class.
 *
 * <p>The stream's periodic {@code event: snapshot} (every 5 s) is held back in the browser
 * ({@link Browser#holdStreamSnapshots}), so a figure can only move because the page fetched
 * {@code /api/live} after the event itself: a page listening for the wrong event types fails here.
 *
 * <p>The clock starts at Tuesday 1 Dec 2026 11:00 Moscow and only moves forward (the page keeps the newest
 * snapshot by its time); the tests run in order, the last ones on later days.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupervisorPageTest {

  static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
  static final String PASSWORD = "пароль-руководителя-1";
  static final String CAPTURED_CALLER = "+79161234567";
  private static final AtomicInteger SEQ = new AtomicInteger(800);

  static TestAmiServer pbx;
  static TestApp t;
  static Browser b;
  static final MovableClock clock = new MovableClock(msk("2026-12-01T11:00"));
  static Person supervisor;

  record Person(long id, String login, String name, String extension, String token) {
  }

  @BeforeAll
  static void start() {
    pbx = TestAmiServer.start("crm", "pbx-secret-1");
    Map<String, String> env = new HashMap<>(Map.of("DOZVON_AMI_HOST", "127.0.0.1",
        "DOZVON_AMI_PORT", String.valueOf(pbx.port()), "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1"));
    t = TestApp.start(env, clock);
    eventually(() -> "CONNECTED".equals(t.app.telephony().state()));
    b = Browser.start(t.app.httpPort());
    b.holdStreamSnapshots();
    supervisor = person("supervisor", "Руководитель Смены", nextExtension());
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (t != null) {
      t.close();
    }
    if (pbx != null) {
      pbx.close();
    }
  }

  @AfterEach
  void noScriptErrors() {
    List<String> errors = b.consoleErrors();
    b.driver().get("about:blank"); // no page left polling while the cookies go
    b.driver().manage().window().setSize(new Dimension(1366, 768));
    b.signOut();
    assertThat(errors).as("browser console errors").isEmpty();
  }

  // ---------------------------------------------------------------- the tests

  @Test
  @Order(1)
  void theSupervisorsCountersMoveOnAMissedCallWithoutAReload() {
    everyoneOff(); // nobody can take the lead: it waits in the unassigned queue
    openSupervisorPage();
    int missed = tileNumber("missedToday");
    int unassigned = tileNumber("unassigned");
    int abandoned = live().getInteger("abandonedToday");
    Object marker = b.script("return window.__noReload = Math.random()");

    String phone = newPhone();
    pbx.sendRaw(FreshCall.of("ami/pjsip/missed.ami", CAPTURED_CALLER, phone, clock.instant()));

    long dealId = eventually(() -> dealOf(phone));
    b.waitUntil(d -> tileNumber("missedToday") == missed + 1);
    b.waitUntil(d -> tileNumber("unassigned") == unassigned + 1);
    b.waitForText(By.cssSelector("#tile-abandonRate .tile-note"), "потеряно " + (abandoned + 1));
    assertThat(red("abandonRate")).as("every inbound call today was lost").isTrue();
    WebElement row = b.visible(By.cssSelector("#unassigned tr[data-deal-id='" + dealId + "']"));
    assertThat(row.getText()).contains("+7 916");
    assertThat(b.visible(By.id("unassigned-total")).getText()).isEqualTo(String.valueOf(unassigned + 1));
    assertThat(b.script("return window.__noReload")).as("the page was not reloaded").isEqualTo(marker);
    assertThat(live().getLong("missedToday")).isEqualTo(missed + 1);
  }

  @Test
  @Order(2)
  void aDealIsReassignedFromTheUnassignedQueueOnThePage() {
    everyoneOff();
    Person vera = person("operator", "Вера Назначенная", nextExtension());
    String phone = newPhone();
    pbx.sendRaw(FreshCall.of("ami/pjsip/missed.ami", CAPTURED_CALLER, phone, clock.instant()));
    long dealId = eventually(() -> dealOf(phone));
    t.settleRouting().await();
    assertThat(deal(dealId).getValue("managerId")).as("nobody on shift: unassigned").isNull();

    openSupervisorPage();
    WebElement row = b.visible(By.cssSelector("#unassigned tr[data-deal-id='" + dealId + "']"));
    assertThat(row.findElement(By.cssSelector("td.why")).getText()).as("why it waits, in Russian")
        .contains("никто не может взять");
    int unassigned = tileNumber("unassigned");
    new Select(b.visible(By.id("assign-" + dealId))).selectByValue(String.valueOf(vera.id()));
    b.click(By.cssSelector("#unassigned tr[data-deal-id='" + dealId + "'] button.primary"));

    b.waitForText(By.id("toasts"), "Заявка №" + dealId + " назначена: Вера Назначенная");
    b.waitUntil(d -> b.all(By.cssSelector("#unassigned tr[data-deal-id='" + dealId + "']")).isEmpty());
    b.waitUntil(d -> tileNumber("unassigned") == unassigned - 1);
    b.waitForText(By.cssSelector("#managers tr[data-manager-id='" + vera.id() + "']"), "1 / 10");
    assertThat(deal(dealId).getLong("managerId")).isEqualTo(vera.id());
  }

  @Test
  @Order(3)
  void theControlTaskOfADealTheLadderClosedOpensItsHistory() {
    Person olga = person("operator", "Ольга Лестница", nextExtension());
    onShiftAlone(olga);
    String phone = newPhone();
    pbx.sendRaw(FreshCall.of("ami/pjsip/missed.ami", CAPTURED_CALLER, phone, clock.instant()));
    long dealId = eventually(() -> dealOf(phone));
    t.settleRouting().await();
    // now, +1 h, +1 day, +1 h: every step tried, nobody answered; the system closes the deal «не дозвонился»
    for (int k = 1; k <= 4; k++) {
      JsonObject due = openAttempt(dealId);
      clock.moveTo(Instant.parse(due.getString("dueAt")));
      int no = due.getInteger("no");
      eventually(() -> "FIRED".equals(attempt(dealId, no).getString("state")) ? true : null);
      var r = TestApp.await(t.post("/api/deals/" + dealId + "/outcome", TestApp.ADMIN_TOKEN)
          .sendJsonObject(new JsonObject().put("result", "BUSY").put("note", "занято")));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
    JsonObject closed = deal(dealId);
    assertThat(closed.getString("status")).isEqualTo("LOST");
    assertThat(closed.getString("lossReason")).isEqualTo("could_not_reach");

    openSupervisorPage();
    WebElement item = b.visible(By.cssSelector("#control-tasks li[data-deal-id='" + dealId + "']"));
    assertThat(item.getText()).contains("Сделка №" + dealId).contains("Проконтролировать закрытие сделки");
    item.findElement(By.tagName("button")).click();
    b.waitForText(By.id("deal-title"), "Сделка №" + dealId);
    String facts = b.waitForText(By.id("deal-body"), "не дозвонился");
    assertThat(facts).contains("проиграна").contains("Ольга Лестница");
    String history = b.visible(By.id("deal-history")).getText();
    assertThat(history).contains("Сделка закрыта").contains("График перезвона пройден")
        .contains("Запланирован перезвон").containsIgnoringCase("пропущенный звонок");
    assertThat(latinWords(history)).as("the history reads in Russian").isEmpty();
    b.click(By.id("deal-close"));
    b.waitUntil(d -> !b.present(By.id("deal-dialog")).isDisplayed());
    // 1366x768: the managers' table fits its panel (no scroll bar inside it) and the page does not scroll sideways
    assertThat(b.script("const p = document.getElementById('managers').closest('.panel');"
        + " return p.scrollWidth + ' <= ' + p.clientWidth")).asString()
        .satisfies(w -> assertThat(Integer.parseInt(w.split(" <= ")[0])).as("managers panel " + w)
            .isLessThanOrEqualTo(Integer.parseInt(w.split(" <= ")[1])));
    assertThat(b.script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
        .as("no sideways scroll of the page").isEqualTo(true);
    shot("supervisor");
  }

  @Test
  @Order(4)
  void theWallboardFiguresMoveLiveAndTurnRedOverTheirThresholds() {
    clock.moveTo(msk("2026-12-03T11:00")); // a new day: nothing missed yet today
    closeOpenDeals(); // and the callbacks of the days before settled
    Person ivan = person("operator", "Иван Табло", nextExtension());
    onShiftAlone(ivan);
    signIn(supervisor);
    b.open("/wallboard");
    wallboardScreen();
    b.waitForText(By.id("feed-state"), "в эфире");
    b.waitUntil(d -> tileNumber("missedToday") == 0);
    assertThat(red("abandonRate")).as("no inbound call yet today").isFalse();
    assertThat(red("callbackBacklog")).isFalse();
    assertThat(red("breaches")).isFalse();
    Object marker = b.script("return window.__noReload = Math.random()");

    String first = newPhone();
    pbx.sendRaw(FreshCall.of("ami/pjsip/missed.ami", CAPTURED_CALLER, first, clock.instant()));
    eventually(() -> dealOf(first));
    b.waitUntil(d -> tileNumber("missedToday") == 1);
    b.waitUntil(d -> red("abandonRate"));
    assertThat(b.visible(By.cssSelector("#tile-abandonRate .tile-value")).getText()).contains("100");
    b.waitUntil(d -> tileNumber("callbackBacklog") == 1);
    assertThat(red("callbackBacklog")).as("the callback is due now, not late").isFalse();
    b.visible(By.cssSelector("#wb-managers [data-manager-id='" + ivan.id() + "']"));

    // 22 minutes on, another missed call: the first lead's callback has waited past live.backlog_red_after (15m)
    // and the lead past the 20-minute mark of speed-to-lead
    clock.advance(java.time.Duration.ofMinutes(22));
    String second = newPhone();
    pbx.sendRaw(FreshCall.of("ami/pjsip/missed.ami", CAPTURED_CALLER, second, clock.instant()));
    eventually(() -> dealOf(second));
    b.waitUntil(d -> tileNumber("missedToday") == 2);
    b.waitUntil(d -> red("callbackBacklog"));
    assertThat(b.visible(By.cssSelector("#tile-callbackBacklog .tile-note")).getText()).contains("самый старый ждёт 22 мин");
    assertThat(red("breaches")).as("a lead not reached for 22 minutes").isTrue();
    assertThat(b.script("return window.__noReload")).as("the wallboard was not reloaded").isEqualTo(marker);
    assertThat(b.script("return window.innerWidth + 'x' + window.innerHeight")).isEqualTo("1920x1080");
    assertThat((Boolean) b.script("return document.documentElement.scrollWidth <= window.innerWidth"))
        .as("the wallboard fits 1920 wide").isTrue();
    shot("wallboard");
  }

  // ---------------------------------------------------------------- helpers

  static Instant msk(String local) {
    return LocalDateTime.parse(local).atZone(MOSCOW).toInstant();
  }

  static String nextExtension() {
    return String.valueOf(SEQ.incrementAndGet());
  }

  static String newPhone() {
    return "+7916" + String.format("%07d", 3_000_000 + SEQ.incrementAndGet());
  }

  static Person person(String role, String name, String extension) {
    String login = role.substring(0, 3) + extension;
    JsonObject body = new JsonObject().put("name", name).put("extension", extension)
        .put("maxActiveDeals", 10).put("role", role).put("login", login).put("password", PASSWORD);
    var r = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return new Person(r.bodyAsJsonObject().getLong("id"), login, name, extension, r.bodyAsJsonObject().getString("token"));
  }

  static void everyoneOff() {
    onShiftAlone(null);
  }

  /** Puts this operator on shift and everyone else off (null: everyone off). */
  static void onShiftAlone(Person p) {
    for (Object m : TestApp.await(t.get("/api/managers", TestApp.ADMIN_TOKEN).send()).bodyAsJsonArray()) {
      long id = ((JsonObject) m).getLong("id");
      var r = TestApp.await(t.patch("/api/managers/" + id, TestApp.ADMIN_TOKEN).sendJsonObject(
          new JsonObject().put("state", p != null && id == p.id() ? "ON_SHIFT" : "OFF")));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
  }

  /** Closes every open deal by hand (lost, «нет потребности»): their callbacks leave the backlog. */
  static void closeOpenDeals() {
    for (var row : t.app.pool().query("SELECT id FROM deals WHERE status = 'OPEN'").execute().await()) {
      var r = TestApp.await(t.post("/api/deals/" + row.getLong(0) + "/close", TestApp.ADMIN_TOKEN).sendJsonObject(
          new JsonObject().put("status", "LOST").put("reason", "no_need").put("comment", "закрыто тестом")));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
  }

  static JsonObject deal(long id) {
    var r = TestApp.await(t.get("/api/deals/" + id, TestApp.ADMIN_TOKEN).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  static JsonObject live() {
    return TestApp.await(t.get("/api/live", TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject();
  }

  static JsonObject openAttempt(long dealId) {
    JsonArray attempts = deal(dealId).getJsonArray("attempts");
    return attempts.stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("state").equals("PENDING") || a.getString("state").equals("FIRED"))
        .findFirst().orElseThrow(() -> new AssertionError("no open attempt in " + attempts.encodePrettily()));
  }

  static JsonObject attempt(long dealId, int no) {
    return deal(dealId).getJsonArray("attempts").stream().map(JsonObject.class::cast)
        .filter(a -> a.getInteger("no") == no).findFirst().orElseThrow();
  }

  static Long dealOf(String phone) {
    var r = TestApp.await(t.get("/api/deals?phone=" + java.net.URLEncoder.encode(phone,
        java.nio.charset.StandardCharsets.UTF_8), TestApp.ADMIN_TOKEN).send());
    var list = r.bodyAsJsonArray();
    return list.isEmpty() ? null : list.getJsonObject(0).getLong("id");
  }

  static void signIn(Person p) {
    b.signOut();
    b.open("/login");
    b.type(By.id("login"), p.login());
    b.type(By.id("password"), PASSWORD);
    b.click(By.id("login-submit"));
    b.waitUntil(d -> !b.path().startsWith("/login"));
  }

  static void openSupervisorPage() {
    signIn(supervisor);
    b.waitForPath("/supervisor");
    b.waitForText(By.id("feed-state"), "в реальном времени");
    b.waitUntil(d -> tileNumber("missedToday") >= 0);
  }

  /** The figure of a tile as a whole number ("3", "3 / 1" gives 3); -1 while it shows none. */
  static int tileNumber(String key) {
    String text = b.present(By.cssSelector("#tile-" + key + " .tile-value")).getText().replaceAll("[\\s\\u00a0]", "");
    String digits = text.replaceAll("^(\\d+).*", "$1");
    return digits.matches("\\d+") ? Integer.parseInt(digits) : -1;
  }

  /** A 1920x1080 view, as on the TV (the window is made larger by what the browser itself takes). */
  static void wallboardScreen() {
    b.driver().manage().window().setSize(new Dimension(1920, 1080));
    long extraHeight = ((Number) b.script("return window.outerHeight - window.innerHeight")).longValue();
    long extraWidth = ((Number) b.script("return window.outerWidth - window.innerWidth")).longValue();
    b.driver().manage().window().setSize(new Dimension(1920 + (int) extraWidth, 1080 + (int) extraHeight));
  }

  static boolean red(String key) {
    WebElement tile = b.present(By.id("tile-" + key));
    return "true".equals(tile.getAttribute("data-red")) && tile.getAttribute("class").contains("red");
  }

  /** Words of three or more Latin letters in a text meant for people (codes and English sentences leak so). */
  static List<String> latinWords(String text) {
    return java.util.regex.Pattern.compile("\\b[A-Za-z]{3,}\\b").matcher(text).results()
        .map(java.util.regex.MatchResult::group).toList();
  }

  static void shot(String name) {
    b.screenshot(Path.of(System.getProperty("dozvon.screens", "target/screens"), name + ".png"));
  }

  static <T> T eventually(Supplier<T> probe) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      T v = probe.get();
      if (v != null && !Boolean.FALSE.equals(v)) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      t.app.vertx().timer(25).await();
    }
  }
}
