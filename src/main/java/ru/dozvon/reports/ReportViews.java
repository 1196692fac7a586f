package ru.dozvon.reports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Each report as JSON and as a CSV table (docs/REPORTS.md spells both). */
final class ReportViews {

  /** A report ready to send either way. */
  record Rendered(JsonObject json, List<String> header, List<List<Object>> rows) {
  }

  private static final List<String> RU_DAYS = List.of("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс");

  private ReportViews() {
  }

  static JsonObject head(String name, ReportPeriod p) {
    return new JsonObject().put("report", name).put("from", p.from().toString()).put("to", p.to().toString())
        .put("timezone", p.zone().getId()).put("periodStart", p.start().toString()).put("periodEnd", p.end().toString());
  }

  static Rendered funnel(ReportPeriod p, FunnelReport f) {
    JsonArray stages = new JsonArray();
    List<List<Object>> rows = new ArrayList<>();
    for (FunnelReport.Row r : f.stages()) {
      stages.add(new JsonObject().put("code", r.stage().code()).put("name", r.stage().name()).put("won", r.stage().won())
          .put("reached", r.reached()).put("share", r.share()).put("conversionFromPrevious", r.conversionFromPrevious()));
      rows.add(list(r.stage().name(), r.stage().code(), r.reached(), r.share(), r.conversionFromPrevious()));
    }
    JsonObject status = new JsonObject();
    f.byStatus().forEach((k, v) -> status.put(k.toLowerCase(java.util.Locale.ROOT), v));
    JsonObject json = head("funnel", p).put("leads", f.leads()).put("stages", stages).put("status", status);
    return new Rendered(json, List.of("Этап", "Код", "Дошли", "Доля от заявок", "Конверсия из предыдущего"), rows);
  }

  static Rendered reasons(ReportPeriod p, Map<String, ReasonShares> byStatus) {
    JsonObject json = head("reasons", p);
    List<List<Object>> rows = new ArrayList<>();
    long closed = 0;
    for (Map.Entry<String, ReasonShares> e : byStatus.entrySet()) {
      JsonArray reasons = new JsonArray();
      for (ReasonShares.Row r : e.getValue().reasons()) {
        reasons.add(new JsonObject().put("code", r.code()).put("name", r.name()).put("count", r.count())
            .put("share", r.share()));
        rows.add(list(e.getKey(), r.code(), r.name(), r.count(), r.share()));
      }
      closed += e.getValue().total();
      json.put(e.getKey().toLowerCase(java.util.Locale.ROOT),
          new JsonObject().put("total", e.getValue().total()).put("reasons", reasons));
    }
    json.put("closed", closed);
    return new Rendered(json, List.of("Итог", "Код причины", "Причина", "Сделок", "Доля"), rows);
  }

  static Rendered managers(ReportPeriod p, List<ManagerFiguresRow> managers) {
    JsonArray people = new JsonArray();
    List<List<Object>> rows = new ArrayList<>();
    for (ManagerFiguresRow m : managers) {
      people.add(new JsonObject().put("id", m.id()).put("name", m.name()).put("extension", m.extension())
          .put("active", m.active()).put("leads", m.leads()).put("reached", m.reached())
          .put("reachedShare", m.reachedShare())
          .put("speedToLead", new JsonObject().put("medianSeconds", m.stlMedianSeconds()).put("p90Seconds", m.stlP90Seconds()))
          .put("won", m.won()).put("lost", m.lost()).put("conversion", m.conversion())
          .put("averageDealCycleSeconds", m.averageDealCycleSeconds()).put("calls", m.calls())
          .put("talkSeconds", m.talkSeconds()));
      rows.add(list(m.id(), m.name(), m.extension(), m.leads(), m.reached(), m.reachedShare(), m.stlMedianSeconds(),
          m.stlP90Seconds(), m.won(), m.lost(), m.conversion(), m.averageDealCycleSeconds(), m.calls(), m.talkSeconds()));
    }
    return new Rendered(head("managers", p).put("managers", people), List.of("ID", "Менеджер", "Внутренний номер",
        "Заявок", "Дозвонились", "Доля дозвона", "Скорость реакции, медиана, с", "Скорость реакции, p90, с",
        "Выиграно", "Проиграно", "Конверсия", "Средний цикл сделки, с", "Звонков", "Время разговоров, с"), rows);
  }

  static Rendered heatmap(ReportPeriod p, Heatmap h) {
    JsonArray weekdays = new JsonArray();
    JsonArray cells = new JsonArray();
    List<List<Object>> rows = new ArrayList<>();
    long[] byWeekday = h.byWeekday();
    for (int w = 0; w < 7; w++) {
      weekdays.add(DayOfWeek.of(w + 1).name().substring(0, 3));
      JsonArray line = new JsonArray();
      List<Object> row = new ArrayList<>();
      row.add(RU_DAYS.get(w));
      for (int hour = 0; hour < 24; hour++) {
        line.add(h.cells()[w][hour]);
        row.add(h.cells()[w][hour]);
      }
      row.add(byWeekday[w]);
      cells.add(line);
      rows.add(row);
    }
    JsonArray hours = new JsonArray();
    List<String> header = new ArrayList<>(List.of("День недели"));
    for (int hour = 0; hour < 24; hour++) {
      hours.add(hour);
      header.add(String.valueOf(hour));
    }
    header.add("Всего");
    Heatmap.Peak peak = h.peak();
    JsonObject json = head("heatmap", p).put("total", h.total()).put("weekdays", weekdays).put("hours", hours)
        .put("cells", cells).put("byWeekday", longs(byWeekday)).put("byHour", longs(h.byHour()))
        .put("peak", peak == null ? null : new JsonObject().put("weekday", peak.weekday().name().substring(0, 3))
            .put("hour", peak.hour()).put("count", peak.count()));
    return new Rendered(json, header, rows);
  }

  static Rendered ladder(ReportPeriod p, LadderReport l) {
    JsonArray steps = new JsonArray();
    List<List<Object>> rows = new ArrayList<>();
    for (LadderReport.Step s : l.steps()) {
      steps.add(step(s).put("step", s.step()));
      rows.add(stepRow(s.step(), s));
    }
    rows.add(stepRow("вне графика", l.outsideLadder()));
    JsonObject json = head("ladder", p).put("steps", steps).put("outsideLadder", step(l.outsideLadder()));
    return new Rendered(json, List.of("Шаг", "Попыток", "Дозвонились", "Перезвонить позже", "Не ответили", "Занято",
        "Недоступен", "Ошибка", "Отменены", "Не решены", "С итогом", "Доля дозвона"), rows);
  }

  private static JsonObject step(LadderReport.Step s) {
    Map<String, Long> o = s.byOutcome();
    return new JsonObject().put("attempts", s.attempts()).put("reached", o.get("REACHED"))
        .put("reachedCallLater", o.get("REACHED_CALL_LATER")).put("noAnswer", o.get("NO_ANSWER"))
        .put("busy", o.get("BUSY")).put("unavailable", o.get("UNAVAILABLE")).put("failed", o.get("FAILED"))
        .put("cancelled", s.cancelled()).put("open", s.open()).put("withOutcome", s.withOutcome())
        .put("reachedShare", s.reachedShare());
  }

  private static List<Object> stepRow(Object label, LadderReport.Step s) {
    Map<String, Long> o = s.byOutcome();
    return list(label, s.attempts(), o.get("REACHED"), o.get("REACHED_CALL_LATER"), o.get("NO_ANSWER"), o.get("BUSY"),
        o.get("UNAVAILABLE"), o.get("FAILED"), s.cancelled(), s.open(), s.withOutcome(), s.reachedShare());
  }

  private static JsonArray longs(long[] values) {
    JsonArray a = new JsonArray();
    for (long v : values) {
      a.add(v);
    }
    return a;
  }

  private static List<Object> list(Object... values) {
    return new ArrayList<>(java.util.Arrays.asList(values));
  }
}
