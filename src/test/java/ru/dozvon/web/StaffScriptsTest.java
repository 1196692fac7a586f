package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.Browser;
import ru.dozvon.support.TestApp;

/**
 * The staff pages' shared module ({@code /static/staff.js}) in a real headless Chromium, loaded from the running
 * service under its CSP: tiles turn red past the thresholds the snapshot carries, figures are written in Russian,
 * the SVG charts are drawn to scale. Fed with the service's own {@code GET /api/live} answer, so the module reads the
 * shape the API really has.
 */
class StaffScriptsTest {

  static TestApp t;
  static Browser b;

  @BeforeAll
  static void start() {
    t = TestApp.start();
    b = Browser.start(t.app.httpPort());
    b.open("/login");
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (t != null) {
      t.close();
    }
  }

  @AfterEach
  void noScriptErrors() {
    assertThat(b.consoleErrors()).as("browser console errors").isEmpty();
  }

  /** Runs {@code body} (which ends with {@code return ...}) with the module as {@code m}; returns its value. */
  static Object withModule(String body, Object... args) {
    Object r = b.asyncScript("const done = arguments[arguments.length - 1]; const args = arguments;"
        + "import('/static/staff.js').then(async (m) => { try { done(await (async () => {" + body + "})()); }"
        + " catch (e) { done('ERR ' + e); } }, (e) => done('ERR ' + e));", args);
    assertThat(String.valueOf(r)).doesNotStartWith("ERR");
    return r;
  }

  static final String TILES = "document.body.replaceChildren();"
      + "for (const k of ['waitingCallers','missedToday','abandonRate','serviceLevel','callbackBacklog','speedToLead',"
      + "'breaches','overdueTasks','unassigned']) document.body.append(m.tile(k, k));";

  static final String STATE = "const out = {}; for (const t of document.querySelectorAll('.tile')) "
      + "out[t.id.slice(5)] = t.querySelector('.tile-value').textContent + '|' + t.classList.contains('red');"
      + "return JSON.stringify(out);";

  @Test
  void theServicesOwnSnapshotFillsTheTiles() {
    var r = TestApp.await(t.get("/api/live", TestApp.ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject live = r.bodyAsJsonObject();
    JsonObject state = new JsonObject(String.valueOf(withModule(TILES + "m.fillTiles(JSON.parse(args[0]));" + STATE,
        live.encode())));
    assertThat(state.getString("missedToday")).isEqualTo(live.getLong("missedToday") + "|false");
    assertThat(state.getString("overdueTasks")).isEqualTo(live.getLong("overdueTasks") + "|false");
    assertThat(state.getString("unassigned")).isEqualTo(live.getLong("unassignedDeals") + "|false");
  }

  @Test
  void figuresTurnRedPastTheThresholdsOfTheSnapshot() {
    String snapshot = new JsonObject()
        .put("waitingCallers", 2).put("longestWaitSeconds", 45)
        .put("missedToday", 6).put("inboundToday", 30).put("abandonedToday", 6).put("abandonRateToday", 0.2)
        .put("serviceLevel", new JsonObject().put("seconds", 20).put("target", 0.8).put("share", 0.9))
        .put("callbackBacklog", new JsonObject().put("count", 5).put("oldestWaitingSeconds", 1200)
            .put("oldestDueAt", "2026-12-02T08:40:00Z"))
        .put("speedToLead", new JsonObject().put("medianSecondsToday", 185).put("p90SecondsToday", 700)
            .put("breaches5Minutes", 3).put("breaches20Minutes", 0).put("leadsToday", 12))
        .put("overdueTasks", 0).put("unassignedDeals", 1)
        .put("thresholds", new JsonObject().put("longestWaitRedAfterSeconds", 30).put("abandonRateRedAbove", 0.1)
            .put("backlogRedAfterSeconds", 900).put("speedToLeadRedAfterSeconds", 300))
        .encode();
    JsonObject s = new JsonObject(String.valueOf(withModule(TILES + "m.fillTiles(JSON.parse(args[0]));" + STATE,
        snapshot)));
    assertThat(s.getString("waitingCallers")).isEqualTo("2|true");       // 45 s > 30 s of this snapshot
    assertThat(s.getString("abandonRate")).isEqualTo("20\u00a0%|true");       // above 10 %
    assertThat(s.getString("serviceLevel")).isEqualTo("90\u00a0%|false");     // above the 80 % target
    assertThat(s.getString("callbackBacklog")).isEqualTo("5|true");      // oldest 20 min > 15 min
    assertThat(s.getString("speedToLead")).isEqualTo("3 мин 05 с|false"); // under 5 min
    assertThat(s.getString("breaches")).isEqualTo("3 / 0|false");
    assertThat(s.getString("overdueTasks")).isEqualTo("0|false");
    assertThat(s.getString("unassigned")).isEqualTo("1|true");

    // The same floor a moment later: service level under target, the queue drained, a lead later than 20 min.
    String later = new JsonObject(snapshot)
        .put("serviceLevel", new JsonObject().put("seconds", 20).put("target", 0.8).put("share", 0.7))
        .put("waitingCallers", 0).put("longestWaitSeconds", 0)
        .put("speedToLead", new JsonObject().put("medianSecondsToday", 400).put("breaches5Minutes", 4)
            .put("breaches20Minutes", 1)).encode();
    s = new JsonObject(String.valueOf(withModule("m.fillTiles(JSON.parse(args[0]));" + STATE, later)));
    assertThat(s.getString("serviceLevel")).isEqualTo("70\u00a0%|true");
    assertThat(s.getString("waitingCallers")).isEqualTo("0|false");
    assertThat(s.getString("speedToLead")).isEqualTo("6 мин 40 с|true");
    assertThat(s.getString("breaches")).isEqualTo("4 / 1|true");
  }

  @Test
  void barsAreDrawnToScaleAndTheHeatmapHasSixSteps() {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) withModule(
        "const c = m.barChart([{label: 'Новая заявка', value: 12, text: '12'}, {label: 'В работе', value: 6, text: '6'},"
            + " {label: 'Пусто', value: 0, text: '0'}], 'Воронка', {max: 12});"
            + "document.body.append(c);"
            + "const w = [...c.querySelectorAll('rect')].map((x) => Number(x.getAttribute('width')));"
            + "return {widths: w, label: c.getAttribute('aria-label'), title: c.querySelector('title').textContent,"
            + " levels: [0, 1, 5, 9, 10].map((n) => m.heatLevel(n, 10)), wait: [m.wait(45), m.wait(3725), m.talk(5400)]};");
    @SuppressWarnings("unchecked")
    List<Number> widths = (List<Number>) r.get("widths");
    assertThat(widths).hasSize(3);
    assertThat(widths.get(0).doubleValue()).isEqualTo(2 * widths.get(1).doubleValue(), org.assertj.core.data.Offset.offset(0.2));
    assertThat(widths.get(2).doubleValue()).isZero();
    assertThat(r.get("label")).isEqualTo("Воронка");
    assertThat(r.get("levels")).isEqualTo(List.of(0L, 1L, 3L, 5L, 5L));
    assertThat(r.get("wait")).isEqualTo(List.of("45 с", "1 ч 02 мин", "1 ч 30 мин"));
  }
}
