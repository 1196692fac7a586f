package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import ru.dozvon.support.Browser;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.AmiMessage;
import ru.dozvon.telephony.testami.FreshCall;
import ru.dozvon.telephony.testami.OriginatePlan;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The operator's page end to end, with real parts only: the real service on embedded PostgreSQL, its Asterisk-Java
 * link to the test AMI server replaying Asterisk 22 transcripts (a missed call, a call ringing an operator, a
 * click-to-call), and a real headless Chromium signing in through the login page. One service and one browser for
 * the class; every test signs in its own operator (the transcripts ring fixed extensions: 101 and 102).
 * The service's clock stands at Tuesday 1 Dec 2026 11:00 Moscow (calling hours).
 */
class OperatorPageTest {

  static final Instant TUESDAY_11 = Instant.parse("2026-12-01T08:00:00Z");
  static final String PASSWORD = "пароль-оператора-1";
  private static final AtomicInteger SEQ = new AtomicInteger(500);

  static TestAmiServer pbx;
  static TestApp t;
  static Browser b;
  static final MovableClock clock = new MovableClock(TUESDAY_11);
  static final List<AmiMessage> originates = new CopyOnWriteArrayList<>();

  record Operator(long id, String login, String extension, String token) {
  }

  @BeforeAll
  static void start() {
    pbx = TestAmiServer.start("crm", "pbx-secret-1");
    pbx.originatePlans(m -> {
      originates.add(m);
      return OriginatePlan.of("ami/pjsip/c2c_answer.ami");
    });
    Map<String, String> env = new HashMap<>(Map.of("DOZVON_AMI_HOST", "127.0.0.1",
        "DOZVON_AMI_PORT", String.valueOf(pbx.port()), "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1",
        "DOZVON_COMPANY_CALLER_ID", "74951234567"));
    t = TestApp.start(env, clock);
    eventually(() -> "CONNECTED".equals(t.app.telephony().state()));
    b = Browser.start(t.app.httpPort());
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
    if (b == null) {
      return;
    }
    List<String> errors = b.consoleErrors().stream()
        // refusals the tests provoke on purpose show as failed loads
        .filter(e -> !e.contains("the server responded with a status of 4")).toList();
    b.signOut();
    assertThat(errors).as("browser console errors").isEmpty();
  }

  // ---------------------------------------------------------------- the tests

  @Test
  void aMissedCallReplayedByThePbxAppearsInTheQueueWithoutAReload() {
    Operator anna = operator("101");
    onShiftAlone(anna);
    signIn(anna);
    b.open("/operator");
    awaitReady();
    b.waitForText(By.id("live-state"), "онлайн");
    Object marker = b.script("return window.__noReload = Math.random()");

    pbx.sendRaw(Transcript.load("ami/pjsip/missed.ami").bytes());

    long dealId = eventually(() -> dealOf("+79161234567"));
    WebElement task = b.visible(By.cssSelector("#queue button.task[data-deal-id='" + dealId + "']"));
    assertThat(task.getText()).contains("Сделка №" + dealId).contains("пропущенный звонок");
    b.waitForText(By.cssSelector("#queue button.task[data-deal-id='" + dealId + "']"), "+7 916 123-45-67");
    // the alert names the caller whichever of deal.created and deal.assigned reached the page first
    b.waitForText(By.id("alert"), "+7 916 123-45-67");
    assertThat(b.script("return window.__noReload")).as("the page was not reloaded").isEqualTo(marker);
    shot("operator-queue");
  }

  @Test
  void theDealCardTellsItsWhysInRussian() {
    // A missed call the router gives to the only operator on shift: the card then holds the common why texts (the
    // routing decision, the callback ladder's attempt, the history's details), which the API writes in English.
    Operator dina = operator(nextExtension());
    onShiftAlone(dina);
    String phone = newPhone();
    pbx.sendRaw(FreshCall.of("ami/pjsip/missed.ami", "+79161234567", phone, clock.instant()));
    long dealId = eventually(() -> dealOf(phone));
    eventually(() -> Long.valueOf(dina.id()).equals(TestApp.await(t.get("/api/deals/" + dealId, TestApp.ADMIN_TOKEN)
        .send()).bodyAsJsonObject().getLong("managerId")) ? true : null);
    JsonObject apiDeal = TestApp.await(t.get("/api/deals/" + dealId, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject();
    assertThat(apiDeal.getJsonArray("attempts").getJsonObject(0).getString("why")).as("the API keeps its English")
        .startsWith("attempt 1 of");
    signIn(dina);
    b.open("/operator#deal=" + dealId);
    b.waitForText(By.id("card-title"), "Сделка №" + dealId);
    String timeline = b.waitForText(By.id("timeline"), "попытка 1 из 4: сразу");
    assertThat(timeline).contains("Решение маршрутизации").contains("стратегия: по конверсии")
        .contains("источник: пропущенный звонок");
    List<String> latin = new java.util.ArrayList<>();
    // the facts too: the fields the PBX's call set (the number called, the first call's outcome) in Russian, the
    // PBX's call id not at all
    assertThat(b.visible(By.id("card-facts")).getText()).contains("Первый звонок").doesNotContain("pbxCallId");
    for (WebElement detail : b.all(By.cssSelector("#timeline .detail, #timeline .what, #queue .why, #card-facts"))) {
      java.util.regex.Pattern.compile("\\b[A-Za-z]{3,}\\b").matcher(detail.getText()).results()
          .forEach(m -> latin.add(m.group() + " in «" + detail.getText() + "»"));
    }
    assertThat(latin).as("Latin words in the card's why texts").isEmpty();
  }

  @Test
  void aCallRingingTheOperatorsPhonePopsTheCallersCard() {
    Operator anna = existingOrNew("101");
    long dealId = lead(anna, "+79031112233", "Ирина Петрова");
    note(dealId, anna, "просила перезвонить после обеда");
    signIn(anna);
    b.open("/operator");
    awaitReady();
    b.waitForText(By.id("live-state"), "онлайн");

    pbx.sendRaw(Transcript.load("ami/pjsip/answered.ami").bytes());

    String pop = b.waitForText(By.id("pop"), "+7 903 111-22-33");
    assertThat(pop).contains("Ирина Петрова").contains("просила перезвонить после обеда");
    b.waitForText(By.id("card-title"), "Сделка №" + dealId);
    shot("operator-screen-pop");
    new Actions(b.driver()).sendKeys(Keys.ESCAPE).perform();
    b.waitUntil(d -> !b.visible(By.id("card-body")).isDisplayed() || b.all(By.cssSelector("#pop.hidden")).size() == 1);
  }

  @Test
  void theCallButtonSendsAnOriginateAndTheReplayedCallsOutcomeShowsOnTheCard() {
    Operator olga = operator(nextExtension());
    long dealId = lead(olga, newPhone(), "Олег");
    signIn(olga);
    b.open("/operator#deal=" + dealId);
    b.waitForText(By.id("card-title"), "Сделка №" + dealId);
    int before = originates.size();

    b.click(By.id("act-call"));

    b.waitForText(By.id("card-message"), "Звоним");
    eventually(() -> originates.size() > before ? true : null);
    AmiMessage originate = originates.get(originates.size() - 1);
    assertThat(originate.get("Channel")).isEqualTo("PJSIP/" + olga.extension());
    // The call from the transcript ends answered: the card shows it with its outcome and talk time, live.
    WebElement call = b.waitUntil(d -> d.findElements(By.cssSelector("#timeline li.call[data-outcome='ANSWERED']"))
        .stream().findFirst().orElse(null));
    assertThat(call.getText()).contains("Исходящий звонок").contains("разговор");
    b.waitForText(By.id("timeline"), "итог: дозвонились");
  }

  @Test
  void aNoteAndANextStepAreAddedFromTheKeyboard() {
    Operator pavel = operator(nextExtension());
    long dealId = lead(pavel, newPhone(), "Павел");
    signIn(pavel);
    b.open("/operator#deal=" + dealId);
    b.waitForText(By.id("card-title"), "Сделка №" + dealId);

    b.visible(By.id("card")).click();
    new Actions(b.driver()).sendKeys("n").perform();
    b.type(By.id("note-text"), "Клиент просит КП на почту");
    b.click(By.cssSelector("#form-note button[type=submit]"));
    b.waitForText(By.id("timeline"), "Клиент просит КП на почту");

    new Actions(b.driver()).sendKeys("t").perform();
    b.type(By.id("next-title"), "Отправить КП");
    b.click(By.cssSelector("#form-next button[type=submit]"));
    b.waitForText(By.id("queue"), "Отправить КП");
    assertThat(TestApp.await(t.get("/api/tasks?managerId=" + pavel.id(), TestApp.ADMIN_TOKEN).send())
        .bodyAsString()).contains("Отправить КП");
    shot("operator-card");
  }

  @Test
  void aStageMoveIsRefusedForAMissingFieldThenDone() {
    Operator vera = operator(nextExtension());
    long dealId = lead(vera, newPhone(), "Вера");
    signIn(vera);
    b.open("/operator#deal=" + dealId);
    b.waitForText(By.id("card-title"), "Сделка №" + dealId);

    b.click(By.id("act-stage"));
    new Select(b.visible(By.id("stage-select"))).selectByVisibleText("Взята в работу");
    b.click(By.cssSelector("#form-stage button[type=submit]"));
    String refused = b.waitForText(By.cssSelector("#form-stage .error"), "Не заполнены обязательные поля");
    assertThat(refused).contains("Платформа");
    assertThat(b.visible(By.id("field-platform")).getAttribute("class")).contains("field-missing");
    shot("operator-stage-refused");

    b.type(By.id("field-platform"), "Wildberries");
    b.click(By.cssSelector("#form-stage button[type=submit]"));
    b.waitForText(By.id("card-facts"), "Взята в работу");
    assertThat(b.visible(By.id("card-facts")).getText()).contains("Wildberries");
    assertThat(TestApp.await(t.get("/api/deals/" + dealId, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject()
        .getString("stage")).isEqualTo("in_work");
  }

  @Test
  void aSecondOperatorSeesNoneOfTheFirstOnesDeals() {
    Operator first = operator(nextExtension());
    long dealId = lead(first, newPhone(), "Чужой клиент");
    Operator second = operator(nextExtension());
    signIn(second);
    b.open("/operator");
    awaitReady();
    assertThat(b.all(By.cssSelector("#queue button.task[data-deal-id='" + dealId + "']"))).isEmpty();
    assertThat(b.visible(By.id("queue-empty")).getText()).contains("Задач нет");
    b.open("/operator#deal=" + dealId);
    b.waitForText(By.id("card-empty"), "Нет доступа");
    assertThat(b.visible(By.id("card-empty")).getText()).doesNotContain("Чужой клиент");
  }

  @Test
  void aStateChangingRequestWithoutTheCsrfTokenIsRefused() {
    Operator ivan = operator(nextExtension());
    long dealId = lead(ivan, newPhone(), "Иван");
    signIn(ivan);
    b.open("/operator");
    awaitReady();
    Object status = b.asyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/api/deals/" + dealId + "/notes', {method: 'POST', credentials: 'same-origin',"
        + " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({text: 'без токена'})})"
        + ".then(r => r.text().then(t => done(r.status + ' ' + t)));");
    assertThat(String.valueOf(status)).startsWith("403").contains("csrf_token_invalid");
    assertThat(TestApp.await(t.get("/api/deals/" + dealId, TestApp.ADMIN_TOKEN).send()).bodyAsString())
        .doesNotContain("без токена");
    // The page's own requests carry the token: the same note from the page is kept.
    Object ok = b.asyncScript("const done = arguments[arguments.length - 1];"
        + "import('/static/app.js').then(m => m.api('POST', '/api/deals/" + dealId + "/notes', {text: 'с токеном'}))"
        + ".then(() => done('ok'), e => done('failed ' + e.status));");
    assertThat(ok).isEqualTo("ok");
  }

  @Test
  void repeatedWrongPasswordsLockTheAccountAndTheLoginPageSaysSo() {
    Operator masha = operator(nextExtension());
    b.open("/login");
    shot("login");
    String shown = "";
    for (int i = 0; i < 20 && !shown.contains("заблокирован"); i++) {
      b.type(By.id("login"), masha.login());
      b.type(By.id("password"), "неверный-" + i);
      b.click(By.id("login-submit"));
      int attempt = i;
      shown = b.waitUntil(d -> {
        String text = d.findElement(By.id("login-error")).getText();
        return text.isBlank() || Boolean.TRUE.equals(b.script("return document.getElementById('login-submit').disabled"))
            ? null : text + "#" + attempt;
      });
      b.script("document.getElementById('login-error').textContent = ''");
      if (i == 0) {
        assertThat(shown).startsWith("Неверный логин или пароль");
      }
    }
    assertThat(shown).contains("вход заблокирован").contains("Попробуйте снова через");
    // Locked: even the right password is refused, and the page says how long to wait.
    b.type(By.id("login"), masha.login());
    b.type(By.id("password"), PASSWORD);
    b.click(By.id("login-submit"));
    b.waitForText(By.id("login-error"), "заблокирован");
    assertThat(b.path()).startsWith("/login");
    shot("login-locked");
  }

  @Test
  void aSessionEndedElsewhereSendsTheOpenPageToSignInWithinSeconds() {
    Operator lena = operator(nextExtension());
    signIn(lena);
    b.open("/operator");
    awaitReady();
    b.waitForText(By.id("live-state"), "онлайн");
    String cookie = b.driver().manage().getCookieNamed("dozvon_session").getValue();

    // Another client (a second tab's logout, say) ends the session with the same cookie; the page does nothing.
    var out = TestApp.await(t.http.post("/logout").putHeader("Cookie", "dozvon_session=" + cookie).send());
    assertThat(out.statusCode()).isEqualTo(204);
    long ended = System.nanoTime();

    // The stream says session.ended: the page goes to sign-in, back to where it was afterwards.
    new org.openqa.selenium.support.ui.WebDriverWait(b.driver(), java.time.Duration.ofSeconds(5))
        .withMessage(() -> "the page should go to /login; it is on " + b.path())
        .until(d -> b.path().startsWith("/login"));
    long ms = (System.nanoTime() - ended) / 1_000_000;
    assertThat(b.path()).isEqualTo("/login?next=%2Foperator");
    assertThat(ms).as("ms from logout to the login page").isLessThan(5000);
    org.slf4j.LoggerFactory.getLogger(OperatorPageTest.class).info("session ended elsewhere: the page was on /login {} ms later", ms);

    // Signing in again returns to the operator's page.
    b.type(By.id("login"), lena.login());
    b.type(By.id("password"), PASSWORD);
    b.click(By.id("login-submit"));
    b.waitForPath("/operator");
    awaitReady();
  }

  @Test
  void theKeysCallTheLeadAndRecordAnOutcome() {
    Operator kira = operator(nextExtension());
    long toCall = lead(kira, newPhone(), "Кира");
    long toMark = lead(kira, newPhone(), "Марк");
    signIn(kira);
    b.open("/operator#deal=" + toCall);
    b.waitForText(By.id("card-title"), "Сделка №" + toCall);
    int before = originates.size();

    focusCard(); // not a click: the card's middle may be its comment field, where keys are typing
    new Actions(b.driver()).sendKeys("c").perform();
    b.waitForText(By.id("card-message"), "Звоним");
    eventually(() -> originates.size() > before ? true : null);
    assertThat(originates.get(originates.size() - 1).get("Channel")).isEqualTo("PJSIP/" + kira.extension());

    // «3» is «не ответил» (the buttons show their keys); on a Russian layout the letters work too, digits are digits.
    b.open("/operator#deal=" + toMark);
    b.waitForText(By.id("card-title"), "Сделка №" + toMark);
    assertThat(b.visible(By.cssSelector("#outcome-buttons button[data-outcome='NO_ANSWER']")).getText())
        .contains("не ответил").contains("3");
    focusCard();
    new Actions(b.driver()).sendKeys("3").perform();
    b.waitForText(By.id("toasts"), "Итог записан: не ответил");
    JsonObject deal = TestApp.await(t.get("/api/deals/" + toMark, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject();
    assertThat(deal.getJsonArray("attempts").stream().map(JsonObject.class::cast)
        .anyMatch(a -> "NO_ANSWER".equals(a.getString("outcome")))).as(deal.encodePrettily()).isTrue();
    b.waitForText(By.id("timeline"), "итог: не ответил");
  }

  @Test
  void anOperatorChangesTheirOwnPasswordFromThePage() {
    Operator nina = operator(nextExtension());
    var elsewhere = ru.dozvon.support.People.signIn(t, nina.login(), PASSWORD);
    signIn(nina);
    awaitReady();

    b.click(By.id("change-password"));
    b.type(By.id("pw-current"), "не-тот-пароль");
    b.type(By.id("pw-new"), "новый-пароль-оператора");
    b.type(By.id("pw-repeat"), "новый-пароль-оператора");
    b.click(By.id("pw-save"));
    b.waitForText(By.id("pw-error"), "Текущий пароль неверен");

    b.type(By.id("pw-current"), PASSWORD);
    b.type(By.id("pw-new"), "новый-пароль-оператора");
    b.type(By.id("pw-repeat"), "другой-пароль");
    b.click(By.id("pw-save"));
    b.waitForText(By.id("pw-error"), "не совпадают");

    b.type(By.id("pw-repeat"), "новый-пароль-оператора");
    b.click(By.id("pw-save"));
    b.waitForText(By.id("toasts"), "Пароль изменён");
    // This browser stays signed in; the other session has ended; only the new password signs in.
    assertThat(b.asyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/api/me').then(r => done(r.status))")).isEqualTo(200L);
    assertThat(TestApp.await(ru.dozvon.support.People.get(t, "/api/me", elsewhere).send()).statusCode())
        .isEqualTo(401);
    assertThat(ru.dozvon.support.People.login(t, nina.login(), PASSWORD).statusCode()).isEqualTo(401);
    assertThat(ru.dozvon.support.People.login(t, nina.login(), "новый-пароль-оператора").statusCode())
        .isEqualTo(200);
  }

  // ---------------------------------------------------------------- helpers

  private static final Map<String, Operator> BY_EXTENSION = new java.util.concurrent.ConcurrentHashMap<>();

  static String nextExtension() {
    return String.valueOf(SEQ.incrementAndGet());
  }

  static String newPhone() {
    return "+7916" + String.format("%07d", 2_000_000 + SEQ.incrementAndGet());
  }

  /** A new operator with a login and a password, made through the API as the admin. */
  static Operator operator(String extension) {
    String login = "op" + SEQ.incrementAndGet();
    JsonObject body = new JsonObject().put("name", "Оператор " + extension).put("extension", extension)
        .put("maxActiveDeals", 1000);
    body.put("login", login).put("password", PASSWORD);
    var r = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    Operator o = new Operator(r.bodyAsJsonObject().getLong("id"), login, extension, r.bodyAsJsonObject().getString("token"));
    BY_EXTENSION.putIfAbsent(extension, o);
    return o;
  }

  static Operator existingOrNew(String extension) {
    Operator o = BY_EXTENSION.get(extension);
    return o != null ? o : operator(extension);
  }

  /** Puts the operator on shift and everyone else off: the next lead from the PBX is theirs. */
  static void onShiftAlone(Operator o) {
    for (Object m : TestApp.await(t.get("/api/managers", TestApp.ADMIN_TOKEN).send()).bodyAsJsonArray()) {
      long id = ((JsonObject) m).getLong("id");
      patch(id, new JsonObject().put("state", id == o.id() ? "ON_SHIFT" : "OFF"));
    }
  }

  static void patch(long id, JsonObject body) {
    var r = TestApp.await(t.patch("/api/managers/" + id, TestApp.ADMIN_TOKEN).sendJsonObject(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  /** A web-form lead for this number, given to the operator by hand; returns the deal id. */
  static long lead(Operator o, String phone, String name) {
    var r = TestApp.await(t.post("/api/leads", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("source", "web_form").put("phone", phone).put("name", name)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 201);
    long dealId = r.bodyAsJsonObject().getLong("dealId", r.bodyAsJsonObject().getLong("id"));
    Long owner = TestApp.await(t.get("/api/deals/" + dealId, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject()
        .getLong("managerId");
    if (owner != null && owner == o.id()) {
      return dealId; // routing gave it to them already
    }
    var a = TestApp.await(t.post("/api/deals/" + dealId + "/assign", TestApp.ADMIN_TOKEN).sendJsonObject(
        new JsonObject().put("managerId", o.id()).put("reason", "test").put("force", true)));
    assertThat(a.statusCode()).as(a.bodyAsString()).isEqualTo(200);
    return dealId;
  }

  static void note(long dealId, Operator o, String text) {
    var r = TestApp.await(t.post("/api/deals/" + dealId + "/notes", o.token())
        .sendJsonObject(new JsonObject().put("text", text)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 201);
  }

  static Long dealOf(String phone) {
    var r = TestApp.await(t.get("/api/deals?phone=" + java.net.URLEncoder.encode(phone, java.nio.charset.StandardCharsets.UTF_8),
        TestApp.ADMIN_TOKEN).send());
    var list = r.bodyAsJsonArray();
    return list.isEmpty() ? null : list.getJsonObject(0).getLong("id");
  }

  /** Signs in through the login page and lands on /operator. */
  static void signIn(Operator o) {
    b.signOut();
    b.open("/login");
    b.type(By.id("login"), o.login());
    b.type(By.id("password"), PASSWORD);
    b.click(By.id("login-submit"));
    b.waitForPath("/operator");
  }

  /** Puts the keyboard's focus on the deal card itself (tabindex -1), where the page's keys act. */
  static void focusCard() {
    b.visible(By.id("card-title"));
    b.script("document.getElementById('card').focus()");
    b.waitUntil(d -> "card".equals(b.script("return document.activeElement && document.activeElement.id")));
  }

  static void awaitReady() {
    b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.ready || ''")));
  }

  static void shot(String name) {
    b.screenshot(Path.of(System.getProperty("dozvon.screens", "target/screens"), name + ".png"));
  }

  static <T> T eventually(java.util.function.Supplier<T> probe) {
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
