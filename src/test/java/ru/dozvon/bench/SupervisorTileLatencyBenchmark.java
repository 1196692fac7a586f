package ru.dozvon.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.By;
import ru.dozvon.support.Browser;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.FreshCall;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * From a missed call's last event sent by the test PBX to the supervisor's «Пропущено сегодня» tile showing it in a
 * real headless Chromium: the whole path of issue 13's "the figures move within a second of the event" (AMI, the
 * tracker, the call's transaction, the live feed, SSE to the browser, the page's GET /api/live, the DOM).
 * The stream's periodic snapshot is held back in the browser as in SupervisorPageTest, so only the event moves it.
 *
 * <p>{@code bench/run.sh SupervisorTileLatencyBenchmark [calls=30] [gapMs=300]}: one call at a time, each waited for;
 * prints each latency and the median, 90th percentile and maximum. The service runs on the real clock (the calls end
 * now). Needs Debian's chromium and chromium-driver, as the page tests do.
 */
public final class SupervisorTileLatencyBenchmark {

  private SupervisorTileLatencyBenchmark() {
  }

  static final String WATCH = """
      window.__changes = [];
      const v = document.querySelector('#tile-missedToday .tile-value');
      new MutationObserver(() => window.__changes.push([v.textContent, Date.now()]))
        .observe(v, {childList: true, characterData: true, subtree: true});""";

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    long gapMs = args.length > 1 ? Long.parseLong(args[1]) : 300;
    TestAmiServer pbx = TestAmiServer.start("crm", "pbx-secret-1");
    Map<String, String> env = new HashMap<>(Map.of("DOZVON_AMI_HOST", "127.0.0.1",
        "DOZVON_AMI_PORT", String.valueOf(pbx.port()), "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1"));
    TestApp t = TestApp.start(env);
    Browser b = null;
    try {
      long deadline = System.currentTimeMillis() + 30_000;
      while (!"CONNECTED".equals(t.app.telephony().state()) && System.currentTimeMillis() < deadline) {
        Thread.sleep(50); // a command, not a test: waiting for the link to come up
      }
      b = Browser.start(t.app.httpPort());
      b.holdStreamSnapshots();
      var r = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
          .put("name", "Руководитель").put("extension", "900").put("maxActiveDeals", 10).put("role", "supervisor")
          .put("login", "sup900").put("password", "пароль-руководителя-1")));
      if (r.statusCode() != 201) {
        throw new IllegalStateException(r.bodyAsString());
      }
      b.open("/login");
      b.type(By.id("login"), "sup900");
      b.type(By.id("password"), "пароль-руководителя-1");
      b.click(By.id("login-submit"));
      b.waitForPath("/supervisor");
      b.waitForText(By.id("feed-state"), "в реальном времени");
      Browser page = b;
      b.waitUntil(d -> !"—".equals(page.present(By.cssSelector("#tile-missedToday .tile-value")).getText()));
      b.script(WATCH);
      List<Long> latencies = new ArrayList<>();
      for (int i = 1; i <= calls; i++) {
        String phone = "+7916" + String.format(Locale.ROOT, "%07d", 5_000_000 + i);
        byte[] call = FreshCall.of("ami/pjsip/missed.ami", "+79161234567", phone, java.time.Instant.now());
        long sent = System.currentTimeMillis();
        pbx.sendRaw(call);
        String want = String.valueOf(i);
        Object at = null;
        long until = sent + 15_000;
        while (at == null && System.currentTimeMillis() < until) {
          at = b.script("const c = window.__changes.find((x) => x[0] === arguments[0]); return c ? c[1] : null;", want);
          if (at == null) {
            Thread.sleep(10);
          }
        }
        if (at == null) {
          System.out.printf(Locale.ROOT, "call %d: the tile did not show %s within 15 s%n", i, want);
          continue;
        }
        long ms = ((Number) at).longValue() - sent;
        latencies.add(ms);
        System.out.printf(Locale.ROOT, "call %d: %d ms%n", i, ms);
        Thread.sleep(gapMs);
      }
      Collections.sort(latencies);
      if (!latencies.isEmpty()) {
        System.out.printf(Locale.ROOT, "%d of %d calls shown; last PBX event to tile: median %d ms, p90 %d ms, max %d ms%n",
            latencies.size(), calls, latencies.get(latencies.size() / 2),
            latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(latencies.size() * 0.9) - 1)),
            latencies.get(latencies.size() - 1));
      }
    } finally {
      if (b != null) {
        b.close();
      }
      t.close();
      pbx.close();
    }
  }
}
