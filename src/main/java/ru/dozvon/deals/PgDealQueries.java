package ru.dozvon.deals;

import static ru.dozvon.store.Sql.iso;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The read side of deals: lists with filters, and one deal with its calls, attempts and history. */
public final class PgDealQueries {

  /** Filters of {@code GET /api/deals}; empty ones do not filter. */
  public record Filter(Optional<String> phone, Optional<String> stage, Optional<String> status,
                       Optional<String> source, Optional<Long> managerId, Optional<Long> beforeId, int limit,
                       Optional<String> contactStatus, boolean noNextStep, Optional<Boolean> cold) {

    public Filter(Optional<String> phone, Optional<String> stage, Optional<String> status, Optional<String> source,
                  Optional<Long> managerId, Optional<Long> beforeId, int limit) {
      this(phone, stage, status, source, managerId, beforeId, limit, Optional.empty(), false, Optional.empty());
    }
  }

  /**
   * Open deals past the first stage ({@code $n}) with no open task of their manager and no callback attempt still to
   * come (it becomes a task when due): the deals without a next step (DOMAIN 7), for the supervisor's list.
   */
  public static String withoutNextStep(String alias, int firstStageParam) {
    return alias + ".status = 'OPEN' AND " + alias + ".stage <> $" + firstStageParam
        + " AND NOT EXISTS (SELECT 1 FROM tasks nt WHERE nt.deal_id = " + alias
        + ".id AND nt.done_at IS NULL AND nt.for_role = 'MANAGER')"
        + " AND NOT EXISTS (SELECT 1 FROM attempts na WHERE na.deal_id = " + alias
        + ".id AND na.state IN ('PENDING', 'FIRED', 'PLACED'))";
  }

  private static final String DEAL = """
      SELECT d.*, k.phone, k.phone_kind, k.email, k.name AS contact_name,
             (SELECT count(*) FROM calls c WHERE c.deal_id = d.id) AS call_count,
             (SELECT count(*) FROM calls c WHERE c.deal_id = d.id AND c.missed) AS missed_count
      FROM deals d JOIN contacts k ON k.id = d.contact_id
      """;

  private final Pool pool;
  private final String firstStage;

  public PgDealQueries(Pool pool) {
    this(pool, "new");
  }

  /** @param firstStage the funnel's first stage: deals past it are "in work" (next steps) */
  public PgDealQueries(Pool pool, String firstStage) {
    this.pool = pool;
    this.firstStage = firstStage;
  }

  public Future<JsonArray> list(Filter f) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder(" WHERE true");
    f.phone().ifPresent(v -> where.append(" AND k.phone = $").append(add(args, v)));
    f.stage().ifPresent(v -> where.append(" AND d.stage = $").append(add(args, v)));
    f.status().ifPresent(v -> where.append(" AND d.status = $").append(add(args, v)));
    f.source().ifPresent(v -> where.append(" AND d.source = $").append(add(args, v)));
    f.managerId().ifPresent(v -> where.append(" AND d.manager_id = $").append(add(args, v)));
    f.beforeId().ifPresent(v -> where.append(" AND d.id < $").append(add(args, v)));
    f.contactStatus().ifPresent(v -> where.append(" AND d.contact_status = $").append(add(args, v)));
    if (f.noNextStep()) {
      where.append(" AND ").append(withoutNextStep("d", add(args, firstStage)));
    }
    f.cold().ifPresent(v -> where.append(v ? " AND d.cold_since IS NOT NULL" : " AND d.cold_since IS NULL"));
    String sql = DEAL + where + " ORDER BY d.id DESC LIMIT " + f.limit();
    return pool.preparedQuery(sql).execute(Tuple.wrap(args)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(deal(r)));
      return out;
    });
  }

  private static int add(List<Object> args, Object v) {
    args.add(v);
    return args.size();
  }

  /** One deal with everything that happened to it, or empty. */
  public Future<Optional<JsonObject>> get(long id) {
    Tuple t = Tuple.of(id);
    Future<RowSet<Row>> deal = pool.preparedQuery(DEAL + " WHERE d.id = $1").execute(t);
    Future<RowSet<Row>> calls = pool.preparedQuery("SELECT * FROM calls WHERE deal_id = $1 ORDER BY ended_at, id")
        .execute(t);
    Future<RowSet<Row>> attempts = pool.preparedQuery("SELECT * FROM attempts WHERE deal_id = $1 ORDER BY no")
        .execute(t);
    Future<RowSet<Row>> history = pool.preparedQuery("SELECT * FROM deal_history WHERE deal_id = $1 ORDER BY id")
        .execute(t);
    Future<RowSet<Row>> assignment = pool.preparedQuery(
        "SELECT * FROM assignments WHERE deal_id = $1 ORDER BY id DESC LIMIT 1").execute(t);
    return Future.all(deal, calls, attempts, history, assignment).map(all -> {
      if (deal.result().size() == 0) {
        return Optional.empty();
      }
      JsonObject d = deal(deal.result().iterator().next());
      JsonArray callList = new JsonArray();
      calls.result().forEach(r -> callList.add(call(r)));
      JsonArray attemptList = new JsonArray();
      attempts.result().forEach(r -> attemptList.add(attempt(r)));
      JsonArray historyList = new JsonArray();
      history.result().forEach(r -> historyList.add(new JsonObject().put("at", iso(r, "at"))
          .put("kind", r.getString("kind")).put("actor", r.getString("actor"))
          .put("details", r.getJsonObject("details"))));
      d.put("calls", callList).put("attempts", attemptList).put("history", historyList);
      AfterContactJson.notes(d, historyList);
      if (assignment.result().size() > 0) {
        Row a = assignment.result().iterator().next();
        d.put("assignment", new JsonObject().put("managerId", a.getLong("manager_id"))
            .put("strategy", a.getString("strategy")).put("byHand", a.getBoolean("by_hand"))
            .put("decision", a.getJsonObject("decision")).put("at", iso(a, "created_at")));
      }
      return Optional.of(d);
    });
  }

  static JsonObject deal(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("contact", new JsonObject().put("id", r.getLong("contact_id")).put("phone", r.getString("phone"))
            .put("phoneKind", r.getString("phone_kind")).put("email", r.getString("email"))
            .put("name", r.getString("contact_name")).put("timeZone", timeZone(r.getString("phone"))))
        .put("source", r.getString("source"))
        .put("stage", r.getString("stage"))
        .put("status", r.getString("status"))
        .put("managerId", r.getLong("manager_id"))
        .put("priority", r.getString("priority"))
        .put("score", r.getInteger("score"))
        .put("lossReason", r.getString("loss_reason"))
        .put("closeReason", r.getString("close_reason"))
        .put("closeComment", r.getString("close_comment"))
        .put("linkedDealId", r.getLong("linked_deal_id"))
        .put("fields", r.getJsonObject("fields"))
        .put("arrivedAt", iso(r, "arrived_at"))
        .put("firstContactAt", iso(r, "first_contact_at"))
        .put("lastContactAt", iso(r, "last_contact_at"))
        .put("contactStatus", r.getString("contact_status"))
        .put("contactStatusAt", iso(r, "contact_status_at"))
        .put("closedAt", iso(r, "closed_at"))
        .put("cold", r.getValue("cold_since") != null)
        .put("coldSince", iso(r, "cold_since"))
        .put("thinkingSince", iso(r, "thinking_since"))
        .put("createdAt", iso(r, "created_at"))
        .put("callCount", r.getLong("call_count"))
        .put("missedCallCount", r.getLong("missed_count"));
  }

  /** The lead's own zone when the number tells one (a landline's area code), else null: the company's applies. */
  private static String timeZone(String e164) {
    return e164 == null ? null : ru.dozvon.phone.PhoneNumbers.tryParse(e164)
        .flatMap(ru.dozvon.phone.NumberZones::zoneOf).map(java.time.ZoneId::getId).orElse(null);
  }

  static JsonObject call(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("pbxCallId", r.getString("pbx_call_id"))
        .put("direction", r.getString("direction"))
        .put("outcome", r.getString("outcome"))
        .put("missed", r.getBoolean("missed"))
        .put("customerPhone", r.getString("customer_phone"))
        .put("callerRaw", r.getString("caller_raw"))
        .put("withheld", r.getBoolean("withheld"))
        .put("companyNumber", r.getString("company_number"))
        .put("operatorExtension", r.getString("operator_ext"))
        .put("queue", r.getString("queue"))
        .put("startedAt", iso(r, "started_at"))
        .put("answeredAt", iso(r, "answered_at"))
        .put("endedAt", iso(r, "ended_at"))
        .put("ringSeconds", r.getInteger("ring_seconds"))
        .put("talkSeconds", r.getInteger("talk_seconds"))
        .put("waitSeconds", r.getInteger("wait_seconds"))
        .put("hangupCause", r.getInteger("hangup_cause"))
        .put("attemptId", r.getLong("attempt_id"))
        .put("expired", r.getBoolean("expired"))
        .put("recordingUrl", r.getString("recording") == null ? null
            : "/api/calls/" + r.getLong("id") + "/recording");
  }

  static JsonObject attempt(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("no", r.getInteger("no"))
        .put("ladder", r.getInteger("ladder"))
        .put("step", r.getInteger("step"))
        .put("of", r.getInteger("of_total"))
        .put("callBackAt", iso(r, "call_back_at"))
        .put("cancelledAt", iso(r, "cancelled_at"))
        .put("dueAt", iso(r, "due_at"))
        .put("why", r.getString("why"))
        .put("state", r.getString("state"))
        .put("firedAt", iso(r, "fired_at"))
        .put("placedAt", iso(r, "placed_at"))
        .put("placedBy", r.getString("placed_by"))
        .put("outcome", r.getString("outcome"))
        .put("outcomeAt", iso(r, "outcome_at"));
  }

}
