package ru.dozvon.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code /usr/bin/chromium}, driven by its {@code /usr/bin/chromedriver} through
 * Selenium; no browser download), window 1366x768, pointed at one running service. Waits are explicit (a condition
 * polled until a timeout), never sleeps. Share one per test class: starting Chromium costs about a second.
 *
 * <p>Paths may be overridden with {@code -Ddozvon.chromium=...} and {@code -Ddozvon.chromedriver=...}.
 */
public final class Browser implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(15);

  private final ChromeDriver driver;
  private final String base;

  private Browser(ChromeDriver driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  /** A browser for the service on {@code http://localhost:port}. */
  public static Browser start(int port) {
    String chromium = System.getProperty("dozvon.chromium", "/usr/bin/chromium");
    String chromedriver = System.getProperty("dozvon.chromedriver", "/usr/bin/chromedriver");
    if (!Files.isExecutable(Path.of(chromium)) || !Files.isExecutable(Path.of(chromedriver))) {
      throw new IllegalStateException("browser tests need " + chromium + " and " + chromedriver
          + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1366,768", "--lang=ru-RU", "--no-first-run", "--disable-extensions",
        "--autoplay-policy=no-user-gesture-required", "--mute-audio");
    options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "ru-RU,ru"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(chromedriver).toFile())
        .usingAnyFreePort()
        // the people using it sit in Moscow: pages show times in the browser's zone
        .withEnvironment(Map.of("TZ", System.getProperty("dozvon.browserTimeZone", "Europe/Moscow")))
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
    return new Browser(driver, "http://localhost:" + port);
  }

  public WebDriver driver() {
    return driver;
  }

  public String base() {
    return base;
  }

  /** Keeps the live stream's {@code event: snapshot} from the page's handlers (counted in window.__heldSnapshots). */
  static final String HOLD_SNAPSHOTS = """
      (() => {
        const add = EventTarget.prototype.addEventListener;
        window.__heldSnapshots = 0;
        EventSource.prototype.addEventListener = function (type, fn, opts) {
          if (type !== 'snapshot') return add.call(this, type, fn, opts);
          return add.call(this, type, () => { window.__heldSnapshots++; }, opts);
        };
      })();""";

  /**
   * From now on, in every page this browser opens, the stream's periodic snapshots (every 5 s) never reach the
   * page's own handlers (a script the DevTools protocol runs before the page's): a figure can then only move because
   * the page fetched {@code /api/live} after an event.
   */
  public Browser holdStreamSnapshots() {
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", HOLD_SNAPSHOTS));
    return this;
  }

  /** Opens a path of the service ({@code /login}) and waits for the document to be loaded. */
  public Browser open(String path) {
    driver.get(base + path);
    waitUntil(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    return this;
  }

  /** The path (and query) the browser is on now. */
  public String path() {
    String url = driver.getCurrentUrl();
    return url.startsWith(base) ? url.substring(base.length()) : url;
  }

  /** Waits until the element is visible and returns it. */
  public WebElement visible(By by) {
    return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Waits until the element is there (visible or not) and returns it. */
  public WebElement present(By by) {
    return new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(by));
  }

  /** Waits until the element is visible and enabled, then clicks it. */
  public Browser click(By by) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(by)).click();
    return this;
  }

  /** Clears a field and types into it. */
  public Browser type(By by, CharSequence text) {
    WebElement e = visible(by);
    e.clear();
    e.sendKeys(text);
    return this;
  }

  /** Waits until the element's visible text contains {@code text}; returns the whole text. */
  public String waitForText(By by, String text) {
    new WebDriverWait(driver, WAIT).withMessage(() -> "text «" + text + "» in " + by + "; now: " + textOr(by))
        .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    return visible(by).getText();
  }

  /** Waits until the page's body shows {@code text}. */
  public String waitForText(String text) {
    return waitForText(By.tagName("body"), text);
  }

  /** Waits until the path is {@code path} (after a redirect or a navigation by the page). */
  public Browser waitForPath(String path) {
    new WebDriverWait(driver, WAIT).withMessage(() -> "path " + path + "; now: " + path())
        .until(d -> path().equals(path) || path().startsWith(path + "?") || path().startsWith(path + "#"));
    return this;
  }

  /** Waits for any condition on the driver. */
  public <T> T waitUntil(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).until(condition);
  }

  /** The elements matching now (no wait). */
  public List<WebElement> all(By by) {
    return driver.findElements(by);
  }

  /** Runs a script in the page and returns its value. */
  public Object script(String js, Object... args) {
    return driver.executeScript(js, args);
  }

  /** Runs an async script (its last argument is the callback) and returns what it passed. */
  public Object asyncScript(String js, Object... args) {
    return driver.executeAsyncScript(js, args);
  }

  /** Writes a PNG of the viewport to {@code file} (folders made). */
  public Path screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The browser console's errors since the last call (SEVERE entries: script errors, failed loads, CSP refusals).
   * Reading empties the log.
   */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** Forgets cookies and storage of the service (the next page starts signed out). */
  public Browser signOut() {
    driver.manage().deleteAllCookies();
    if (driver.getCurrentUrl().startsWith(base)) {
      driver.executeScript("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}");
    }
    return this;
  }

  private String textOr(By by) {
    try {
      return driver.findElement(by).getText();
    } catch (RuntimeException e) {
      return "(" + e.getClass().getSimpleName() + ")";
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
