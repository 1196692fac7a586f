package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import ru.dozvon.support.Browser;
import ru.dozvon.support.TestApp;

/** The pages are served by the service itself, under a strict CSP, and render in a real headless Chromium. */
class PagesSmokeTest {

  private static TestApp t;
  private static Browser browser;

  @BeforeAll
  static void start() {
    t = TestApp.start();
    browser = Browser.start(t.app.httpPort());
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (t != null) {
      t.close();
    }
  }

  @Test
  void theLoginPageRendersInRussianWithItsScriptUnderTheCsp() {
    browser.open("/login");
    assertThat(browser.driver().getTitle()).isEqualTo("Вход — Дозвон");
    assertThat(browser.visible(By.cssSelector("label[for=login]")).getText()).isEqualTo("Логин");
    assertThat(browser.visible(By.cssSelector("label[for=password]")).getText()).isEqualTo("Пароль");
    // The module ran (it validates the empty form itself, no request made) and the stylesheet applied.
    browser.click(By.id("login-submit"));
    assertThat(browser.waitForText(By.id("login-error"), "Введите логин и пароль")).isNotBlank();
    assertThat(browser.script("return getComputedStyle(document.querySelector('#login-submit')).backgroundColor"))
        .isEqualTo("rgb(11, 92, 173)");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void aPageWithoutSessionGoesToLogin() {
    browser.signOut().open("/operator");
    browser.waitForPath("/login");
    assertThat(browser.path()).isEqualTo("/login?next=%2Foperator");
    browser.open("/");
    browser.waitForPath("/login");
    browser.open("/supervisor/reports");
    assertThat(browser.path()).isEqualTo("/login?next=%2Fsupervisor%2Freports");
  }

  @Test
  void everyAnswerCarriesTheCspAndFittingCacheHeaders() {
    var page = TestApp.await(t.http.get("/login").send());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.getHeader("Content-Security-Policy")).startsWith("default-src 'self'");
    assertThat(page.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(page.bodyAsString()).doesNotContain("<script>").contains("<script type=\"module\" src=\"/static/login.js\">");

    var js = TestApp.await(t.http.get("/static/app.js").send());
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.getHeader("Content-Type")).startsWith("text/javascript").contains("UTF-8");
    assertThat(js.getHeader("Content-Security-Policy")).startsWith("default-src 'self'");
    assertThat(js.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(js.getHeader("ETag") != null || js.getHeader("Last-Modified") != null).isTrue();

    assertThat(TestApp.await(t.http.get("/static/nothing-here.js").send()).statusCode()).isEqualTo(404);
    assertThat(TestApp.await(t.http.get("/static/../pages/login.html").send()).statusCode()).isNotEqualTo(200);
    var redirect = TestApp.await(t.http.get("/operator").followRedirects(false).send());
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.getHeader("Location")).isEqualTo("/login?next=%2Foperator");
  }
}
