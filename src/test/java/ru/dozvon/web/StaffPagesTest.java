package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import ru.dozvon.support.Browser;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The staff pages end to end, with real parts only: the real service on embedded PostgreSQL, its Asterisk-Java link
 * to the test AMI server replaying Asterisk transcripts (missed calls), and a real headless Chromium signing in
 * through the login page. One service and one browser for the class. The service's clock stands at Tuesday
 * 1 Dec 2026 11:00 Moscow, so the replayed calls are today's.
 *
 * <p>Screenshots go to {@code target/screens}, or to the folder named by {@code -Ddozvon.screens=docs/screens}.
 */
class StaffPagesTest {

  static final Instant TUESDAY_11 = Instant.parse("2026-12-01T08:00:00Z");
  static final String PASSWORD = "пароль-сотрудника-1";
  static final String ADMIN_PASSWORD = "admin-password-for-tests-1";
  private static final AtomicInteger SEQ = new AtomicInteger(700);

  static TestAmiServer pbx;
  static TestApp t;
  static Browser b;
  static final MovableClock clock = new MovableClock(TUESDAY_11);

  record Person(long id, String login, String extension, String token) {
  }

  @BeforeAll
  static void start() {
    pbx = TestAmiServer.start("crm", "pbx-secret-1");
    Map<String, String> env = new HashMap<>(Map.of("DOZVON_AMI_HOST", "127.0.0.1",
        "DOZVON_AMI_PORT", String.valueOf(pbx.port()), "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1",
        "DOZVON_ADMIN_PASSWORD", ADMIN_PASSWORD));
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
    List<String> errors = b.consoleErrors().stream()
        // refusals the tests provoke on purpose (403 pages) show as failed loads
        .filter(e -> !e.contains("the server responded with a status of 4")).toList();
    b.driver().manage().window().setSize(new Dimension(1366, 768));
    b.signOut();
    assertThat(errors).as("browser console errors").isEmpty();
  }

  // ---------------------------------------------------------------- the tests

  @Test
  void theReportsPageDrawsChartsForAPeriodWithDataAndOffersCsv() {
    pbx.sendRaw(Transcript.load("ami/queue_abandon.ami").bytes());
    eventually(() -> dealOf("+79257654321"));
    Person sup = person("supervisor", nextExtension());
    signIn(sup);
    b.open("/supervisor/reports?from=2026-11-25&to=2026-12-01");
    b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.loaded || ''")));
    assertThat(b.visible(By.id("period-info")).getText()).contains("25.11.2026").contains("01.12.2026");
    assertThat(b.all(By.cssSelector("#report-funnel svg.chart rect.chart-bar")).size())
        .as("one bar per stage").isGreaterThanOrEqualTo(3);
    // Tuesday (row 2) 11:00 Moscow: the replayed missed calls are in that cell.
    WebElement cell = b.visible(By.cssSelector("#heatmap tbody tr:nth-child(2) td:nth-child(13)"));
    assertThat(Integer.parseInt(cell.getText())).isPositive();
    assertThat(cell.getAttribute("class")).isNotEqualTo("heat-0");
    String csv = b.visible(By.cssSelector("#report-heatmap a.csv")).getAttribute("href");
    assertThat(csv).endsWith("/api/reports/heatmap?from=2026-11-25&to=2026-12-01&format=csv");
    Object answer = b.asyncScript("const done = arguments[arguments.length - 1];"
        + "fetch(arguments[0]).then(async r => done(r.status + '|' + r.headers.get('Content-Type') + '|' + (await r.text())))",
        b.visible(By.cssSelector("#report-funnel a.csv")).getAttribute("href"));
    assertThat(String.valueOf(answer)).startsWith("200|text/csv").contains("Этап");
    assertThat(b.all(By.cssSelector("a.csv"))).hasSize(5);
    shot("reports");
  }

  @Test
  void theAdminCreatesAManagerWhoCanSignInEditsOneAndDeactivatesOne() {
    signInAsAdmin();
    b.open("/admin");
    b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.loaded || ''")));
    b.waitForText(By.id("ladder-steps"), "сразу");
    b.waitForText(By.id("stages"), "Новая заявка");
    String ext = nextExtension();
    String login = "new" + ext;
    b.type(By.id("c-name"), "Новый Оператор");
    b.type(By.id("c-extension"), ext);
    b.type(By.id("c-cap"), "7");
    b.type(By.id("c-login"), login);
    b.type(By.id("c-password"), PASSWORD);
    b.click(By.id("create-submit"));
    WebElement row = b.visible(By.xpath("//table[@id='people']//tr[th[text()='Новый Оператор']]"));
    String id = row.getAttribute("data-manager-id");
    assertThat(row.getText()).contains(ext).contains("оператор");
    shot("admin");

    // A bad value is named, in Russian, and nothing is created.
    b.type(By.id("c-name"), "Без номера");
    b.type(By.id("c-extension"), "x1");
    b.type(By.id("c-login"), "nobody" + ext);
    b.type(By.id("c-password"), PASSWORD);
    b.click(By.id("create-submit"));
    b.waitForText(By.id("create-error"), "Внутренний номер");

    // Edit: a new cap.
    b.click(By.cssSelector("tr[data-manager-id='" + id + "'] button.edit"));
    b.type(By.id("e-cap"), "12");
    b.click(By.id("edit-save"));
    b.waitForText(By.cssSelector("tr[data-manager-id='" + id + "']"), "12");
    assertThat(manager(Long.parseLong(id)).getInteger("maxActiveDeals")).isEqualTo(12);

    // The new manager signs in with what the admin set.
    b.signOut();
    signIn(new Person(Long.parseLong(id), login, ext, null));
    b.waitForPath("/operator");

    // Deactivation.
    b.signOut();
    signInAsAdmin();
    b.open("/admin");
    b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.loaded || ''")));
    b.click(By.cssSelector("tr[data-manager-id='" + id + "'] button.deactivate"));
    b.waitUntil(d -> {
      try {
        d.switchTo().alert().accept();
        return true;
      } catch (org.openqa.selenium.NoAlertPresentException e) {
        return false;
      }
    });
    b.waitForText(By.cssSelector("tr[data-manager-id='" + id + "']"), "деактивирован");
    assertThat(manager(Long.parseLong(id)).getBoolean("active")).isFalse();
  }

  @Test
  void anOperatorIsRefusedTheStaffPages() {
    Person op = person("operator", nextExtension());
    signIn(op);
    b.waitForPath("/operator");
    for (String page : List.of("/supervisor", "/wallboard", "/supervisor/reports", "/admin")) {
      b.open(page);
      assertThat(b.waitForText(By.tagName("h1"), "Нет доступа")).as(page).isNotBlank();
    }
    Object status = b.asyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/api/live').then(r => done(r.status))");
    assertThat(((Number) status).intValue()).isEqualTo(403);
  }

  @Test
  void aPasswordResetByTheAdminSendsTheSupervisorsOpenPageToSignIn() {
    Person sup = person("supervisor", nextExtension());
    signIn(sup);
    b.waitForPath("/supervisor");
    b.waitForText(By.id("feed-state"), "в реальном времени");
    assertThat(b.visible(By.id("change-password")).getText()).isEqualTo("Сменить пароль"); // one's own, on every page

    // The admin resets the password (elsewhere, through the API): every session of that person ends.
    var reset = TestApp.await(t.patch("/api/managers/" + sup.id(), TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("password", "новый-пароль-сотрудника")));
    assertThat(reset.statusCode()).as(reset.bodyAsString()).isEqualTo(200);

    // The page's stream is told (session.ended): the page goes to sign-in instead of reconnecting for ever.
    new org.openqa.selenium.support.ui.WebDriverWait(b.driver(), java.time.Duration.ofSeconds(5))
        .withMessage(() -> "the page should go to /login; it is on " + b.path())
        .until(d -> b.path().startsWith("/login"));
    assertThat(b.path()).isEqualTo("/login?next=%2Fsupervisor");
  }

  // ---------------------------------------------------------------- helpers

  static String nextExtension() {
    return String.valueOf(SEQ.incrementAndGet());
  }

  /** A new person with a login and a password, made through the API as the admin. */
  static Person person(String role, String extension) {
    String login = role.substring(0, 3) + extension;
    JsonObject body = new JsonObject().put("name", "Сотрудник " + extension).put("extension", extension)
        .put("maxActiveDeals", 10).put("role", role).put("login", login).put("password", PASSWORD);
    var r = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return new Person(r.bodyAsJsonObject().getLong("id"), login, extension, r.bodyAsJsonObject().getString("token"));
  }

  static JsonObject manager(long id) {
    return TestApp.await(t.get("/api/managers/" + id, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject();
  }

  static Long dealOf(String phone) {
    var r = TestApp.await(t.get("/api/deals?phone=" + java.net.URLEncoder.encode(phone, java.nio.charset.StandardCharsets.UTF_8),
        TestApp.ADMIN_TOKEN).send());
    var list = r.bodyAsJsonArray();
    return list.isEmpty() ? null : list.getJsonObject(0).getLong("id");
  }

  /** Signs in through the login page. */
  static void signIn(Person p) {
    signIn(p.login(), PASSWORD);
  }

  static void signInAsAdmin() {
    signIn("admin", ADMIN_PASSWORD);
  }

  static void signIn(String login, String password) {
    b.signOut();
    b.open("/login");
    b.type(By.id("login"), login);
    b.type(By.id("password"), password);
    b.click(By.id("login-submit"));
    b.waitUntil(d -> !b.path().startsWith("/login"));
  }

  /** The figure of a tile as a whole number ("3", "3 / 1" gives 3); -1 while it shows none. */
  static int tileNumber(String key) {
    String text = b.visible(By.cssSelector("#tile-" + key + " .tile-value")).getText().replaceAll("[\\s\\u00a0]", "");
    String digits = text.replaceAll("^(\\d+).*", "$1");
    return digits.matches("\\d+") ? Integer.parseInt(digits) : -1;
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
