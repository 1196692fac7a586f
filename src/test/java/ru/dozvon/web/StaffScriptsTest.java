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

  /**
   * The why texts as the service writes them (RetryPolicy, NumberLimits, RetryStep, WhenFormat in dialing; Router,
   * LeastLoaded, ConversionWeighted, RoundRobin, MinConversion, BestToBest, PgHandAssigner in routing) read in
   * Russian through app.js labels.why, with no English word left; Russian text and unknown phrases pass unchanged.
   */
  @Test
  void theWhyTextsOfTheApiReadInRussian() {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("attempt 1 of 4: right away", "попытка 1 из 4: сразу");
    cases.put("attempt 2 of 4: 1 hour after attempt 1, overdue since Tue 12:00, moved to Wed 10:00 by calling hours"
        + " and the mobile limit (at most 3 calls a day)", "попытка 2 из 4: через 1 час после попытки 1, просрочено с"
        + " вт 12:00, перенесено на ср 10:00: часы обзвона и ограничение для мобильного (не больше 3 звонков в день)");
    cases.put("attempt 3 of 4: 1 day after attempt 2; 12:00 по времени клиента, Europe/Kaliningrad",
        "попытка 3 из 4: через 1 день после попытки 2; 12:00 по времени клиента (Калининград)");
    cases.put("attempt 2 of 3: next calling day after attempt 1, 2 hours 30 minutes after opening",
        "попытка 2 из 3: в следующий день обзвона после попытки 1, через 2 часа 30 мин после открытия");
    cases.put("attempt 2 of 4: the lead called again at Mon 12 Jan 10:00 after the chain had stopped",
        "попытка 2 из 4: клиент позвонил снова в пн 12 янв 10:00 после остановки графика перезвона");
    cases.put("attempt 1 of 4: the lead wrote at Tue 11:20 and was missed",
        "попытка 1 из 4: клиент написал в вт 11:20 и не получил ответа");
    cases.put("attempt 1 of 4: the lead asked to be called back at Tue 18:30",
        "попытка 1 из 4: клиент попросил перезвонить в вт 18:30");
    cases.put("attempt 1 of 4: 3 hours after the lead asked to be called later, moved to Thu 10:00 by the landline"
        + " limit (at least 30 minutes between calls)", "попытка 1 из 4: через 3 часа после просьбы перезвонить позже,"
        + " перенесено на чт 10:00: ограничение для городского (не меньше 30 мин между звонками)");
    cases.put("every step was tried; the ladder ended at Wed 13:00", "все шаги пройдены, график перезвона закончен в ср 13:00");
    cases.put("the lead made contact (replied in chat) at Tue 11:10", "клиент вышел на связь (ответил в чате) в вт 11:10");
    cases.put("nobody eligible among 4 managers: 2 off shift, 1 paused, 0 paused on PBX, 1 at load cap",
        "никто не может взять заявку: из 4 менеджеров 2 не на смене, 1 на паузе, 0 на паузе на АТС, 1 с полной нагрузкой");
    cases.put("conversion: no eligible manager has a closed deal in the rating window (every rating is only the prior),"
        + " so by load instead: chose Анна with the fewest deals in work among 1 eligible", "по конверсии: ни у кого из"
        + " доступных нет закрытых сделок за период рейтинга, поэтому по нагрузке: выбран менеджер Анна: меньше всех"
        + " сделок в работе среди 1 доступных");
    cases.put("conversion: chose Анна with weight 0.31 (share 40%) among 3 eligible; returning customer, but previous"
        + " manager Иван is off shift", "по конверсии: выбран менеджер Анна с весом 0.31 (доля 40 %) среди 3 доступных;"
        + " повторный клиент, но прежний менеджер Иван не на смене");
    cases.put("returning customer: back to previous manager Иван (rating 0.31, 4/10 deals)",
        "повторный клиент: к прежнему менеджеру Иван (рейтинг 0.31, сделок 4/10)");
    cases.put("round_robin: chose Иван, next in turn by id among 3 eligible",
        "по очереди: выбран менеджер Иван, следующий по очереди среди 3 доступных");
    cases.put("best_to_best: lead score 80 is at percentile 70-80 of the last 50 leads; chose Анна, rated 1 of 3 eligible",
        "лучшим — лучших: оценка заявки 80 — перцентиль 70–80 среди последних 50 заявок; выбран менеджер Анна, место 1"
        + " из 3 доступных по рейтингу");
    cases.put("назначено руководителем с панели (forced above the load cap: 10/10 deals before this one)",
        "назначено руководителем с панели (сверх лимита нагрузки: до этого 10/10 сделок)");
    cases.put("перезвонить после обеда", "перезвонить после обеда");
    cases.put("something new", "something new");
    Object out = b.asyncScript("const done = arguments[arguments.length - 1]; const texts = arguments[0];"
        + "import('/static/app.js').then((m) => done(texts.map((x) => m.labels.why(x))), (e) => done('ERR ' + e));",
        List.copyOf(cases.keySet()));
    assertThat(out).isEqualTo(List.copyOf(cases.values()));
  }
}
