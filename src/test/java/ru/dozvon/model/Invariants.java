package ru.dozvon.model;

import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants, checked after every step against what the service holds (database and HTTP),
 * compared with the {@link Model}. I1-I7 are the brief's; I8-I10 are its rules being built
 * ("call later" always schedules, contact is an answered call, idempotent intake).
 */
public final class Invariants {

  static final Map<String, String> TITLES = Map.ofEntries(
      Map.entry("I1", "each call the PBX reported is stored exactly once, on the caller's deal"),
      Map.entry("I2", "at most one open deal per contact; a lead or call of a contact with an open deal lands on it"),
      Map.entry("I3", "a missed customer (missed call, own message) not reached since has a due callback"),
      Map.entry("I4", "no 5xx"),
      Map.entry("I5", "nothing left unrecorded while the database is up"),
      Map.entry("I6", "managers.open_deals equals the manager's open deals"),
      Map.entry("I7", "«не дозвонился» only after the ladder's steps were tried at their times"),
      Map.entry("I8", "REACHED_CALL_LATER always schedules the next call (at callBackAt when given)"),
      Map.entry("I9", "contact (first_contact_at) = an answered call in either direction, never a message"),
      Map.entry("I10", "an Idempotency-Key answers the same deal and status"),
      Map.entry("I11", "a closed deal keeps no open manager task (FUNNEL.md: a closing closes them)"),
      Map.entry("ERR", "the model could not run the step"));

  public static String title(String label) {
    return TITLES.getOrDefault(label, "");
  }

  private static final String DEAL_FACTS = """
      SELECT d.id, d.contact_id, k.phone, k.email, d.status, d.stage, d.loss_reason, d.manager_id,
             d.arrived_at, d.first_contact_at, d.last_contact_at, d.closed_at,
             (SELECT count(*) FROM attempts a WHERE a.deal_id = d.id AND a.state IN ('FIRED', 'PLACED')) AS fired,
             (SELECT min(a.due_at) FROM attempts a WHERE a.deal_id = d.id AND a.state = 'PENDING') AS pending_due,
             (SELECT min(t.due_at) FROM tasks t WHERE t.deal_id = d.id AND t.kind = 'CALLBACK'
                AND t.done_at IS NULL) AS task_due,
             (SELECT count(*) FROM attempts a WHERE a.deal_id = d.id AND a.outcome IS NOT NULL) AS ended,
             (SELECT count(*) FROM attempts a WHERE a.deal_id = d.id AND a.outcome IS NOT NULL
                AND COALESCE(a.placed_at, a.outcome_at) >= a.due_at) AS ended_on_time,
             (SELECT h.actor FROM deal_history h WHERE h.deal_id = d.id AND h.kind = 'closed'
                ORDER BY h.id DESC LIMIT 1) AS closed_by,
             (SELECT string_agg(t.kind || ' «' || t.title || '»', ', ') FROM tasks t WHERE t.deal_id = d.id
                AND t.done_at IS NULL AND t.for_role = 'MANAGER') AS open_manager_tasks
      FROM deals d JOIN contacts k ON k.id = d.contact_id
      WHERE k.phone = ANY($1) OR k.email = ANY($2)
      ORDER BY d.id""";

  private Invariants() {
  }

  static List<Violation> check(Service s, Model m) {
    List<Violation> out = new ArrayList<>(m.stepViolations); // I4 and the step's own (I1, I2, I8, I10)
    calls(s, m, out);
    List<Row> deals = s.sql(DEAL_FACTS, m.phones(), m.emails());
    Map<Long, Row> byId = new HashMap<>();
    deals.forEach(d -> byId.put(d.getLong("id"), d));
    oneOpenDeal(m, deals, out);
    callbacks(s, m, byId, out);
    couldNotReach(s, deals, out);
    callLater(m, byId, out);
    contact(m, byId, out);
    closedWork(deals, out);
    unrecorded(s, m, out);
    openDealCounts(s, m.managerIds(), out);
    return out;
  }

  /** I1: one row per Linkedid sent, none lost (also across restarts); missed ones on a deal. */
  private static void calls(Service s, Model m, List<Violation> out) {
    List<String> sent = m.allLinkedids();
    if (sent.isEmpty()) {
      return;
    }
    Map<String, Long> counts = new HashMap<>();
    Map<String, Row> rows = new HashMap<>();
    for (Row r : s.sql("SELECT pbx_call_id, missed, deal_id FROM calls WHERE pbx_call_id = ANY($1)",
        (Object) sent.toArray(String[]::new))) {
      counts.merge(r.getString(0), 1L, Long::sum);
      rows.put(r.getString(0), r);
    }
    for (String id : sent) {
      long n = counts.getOrDefault(id, 0L);
      if (n != 1) {
        out.add(Violation.of("I1", n == 0 ? "a call is lost" : "a call is stored twice",
            "call " + id + " of contact " + Step.letter(m.callOwner.get(id)) + " is stored "
            + n + " times (telephony still holds " + s.pendingCalls() + " unrecorded calls)"));
      } else if (Boolean.TRUE.equals(rows.get(id).getBoolean("missed")) && rows.get(id).getLong("deal_id") == null) {
        out.add(Violation.of("I1", "a missed call is on no deal",
            "missed call " + id + " of contact " + Step.letter(m.callOwner.get(id))
            + " is on no deal"));
      }
    }
  }

  /** I2: at most one open deal over the contact's phone and email. */
  private static void oneOpenDeal(Model m, List<Row> deals, List<Violation> out) {
    for (Model.Person p : m.persons) {
      List<Long> open = deals.stream().filter(d -> "OPEN".equals(d.getString("status")))
          .filter(d -> of(p, d)).map(d -> d.getLong("id")).toList();
      if (open.size() > 1) {
        out.add(Violation.of("I2", "two open deals",
            "contact " + p.label() + " has open deals " + open, open.toArray(Long[]::new)));
      }
    }
  }

  /**
   * I3: every open deal owed a callback (with a phone to call) has one: an attempt PENDING, FIRED or
   * PLACED, or an open callback task; right after the customer's call or message, due by the calling
   * window's next opening. The deal the customer just called or wrote on is still open.
   */
  private static void callbacks(Service s, Model m, Map<Long, Row> byId, List<Violation> out) {
    for (long id : m.owedByThisStep) {
      Row d = byId.get(id);
      if (d != null && !"OPEN".equals(d.getString("status"))) {
        out.add(Violation.of("I3", "the deal closed by the customer's own " + m.deals.get(id).owedCause,
            "deal " + id + " was closed " + d.getString("status") + " ("
            + d.getString("loss_reason") + ") by the customer's own call or message, which should have made a "
            + "callback due (" + m.deals.get(id).owedWhy + ")", id));
      }
    }
    for (Model.Deal md : m.deals.values()) {
      Row d = byId.get(md.id);
      if (!md.owed || d == null || !"OPEN".equals(d.getString("status")) || d.getString("phone") == null) {
        continue;
      }
      long fired = d.getLong("fired");
      Instant pending = instant(d, "pending_due");
      Instant task = instant(d, "task_due");
      boolean any = fired > 0 || pending != null || task != null;
      if (!any) {
        out.add(Violation.of("I3", "no callback after a " + md.owedCause, "open deal " + md.id + " of contact "
            + m.persons.get(md.person).label() + " owes a callback (" + md.owedWhy + ") but has no attempt "
            + "PENDING/FIRED/PLACED and no open callback task", md.id));
      } else if (md.dueBy != null && fired == 0 && task == null && pending.isAfter(md.dueBy.plusSeconds(1))) {
        out.add(Violation.of("I3", "callback not due now after a " + md.owedCause, "open deal " + md.id
            + " of contact " + m.persons.get(md.person).label() + " owes a callback due now (" + md.owedWhy
            + ", so by " + local(md.dueBy) + ") but its next attempt is due " + local(pending), md.id));
      }
    }
  }

  /**
   * I7: the system closes «не дозвонился» only once the ladder's steps were tried at their times (at
   * least ladder-many attempts ended at or after their due time). By hand (DOMAIN 7) it needs the «не отвечает»
   * guard: 3 attempts placed and 3 weeks since the last contact.
   */
  private static void couldNotReach(Service s, List<Row> deals, List<Violation> out) {
    for (Row d : deals) {
      if (!"LOST".equals(d.getString("status")) || !"could_not_reach".equals(d.getString("loss_reason"))) {
        continue;
      }
      long id = d.getLong("id");
      long onTime = d.getLong("ended_on_time");
      if ("system".equals(d.getString("closed_by"))) {
        if (onTime < s.ladder()) {
          out.add(Violation.of("I7", "closed by the system",
              "deal " + id + " was closed «не дозвонился» by the system after "
              + d.getLong("ended") + " attempt outcomes of which only " + onTime + " at or after their due time "
              + "(the ladder has " + s.ladder() + " steps)", id));
        }
      } else {
        Instant since = instant(d, "last_contact_at") != null ? instant(d, "last_contact_at")
            : instant(d, "arrived_at");
        Duration silent = Duration.between(since, instant(d, "closed_at"));
        if (d.getLong("ended") < 3 || silent.compareTo(Duration.ofDays(21)) < 0) {
          out.add(Violation.of("I7", "closed by hand without the guard",
              "deal " + id + " was closed «не дозвонился» by hand (" + d.getString("closed_by")
              + ") after " + d.getLong("ended") + " attempts and " + silent.toDays() + " days since the last "
              + "contact; DOMAIN 7 asks for the «не отвечает» guard (3 attempts, 3 weeks)", id));
        }
      }
    }
  }

  /** I8: after REACHED_CALL_LATER the deal is open and its next call is scheduled (not before callBackAt). */
  private static void callLater(Model m, Map<Long, Row> byId, List<Violation> out) {
    for (Model.CallLater c : m.callLaterThisStep) {
      Row d = byId.get(c.dealId());
      if (d == null || d.getString("phone") == null) {
        continue; // an email-only deal has no number to call
      }
      if (!"OPEN".equals(d.getString("status"))) {
        out.add(Violation.of("I8", "the deal closed instead",
            "deal " + c.dealId() + " was closed " + d.getString("status") + " ("
            + d.getString("loss_reason") + ") by a REACHED_CALL_LATER outcome instead of scheduling the next call",
            c.dealId()));
        continue;
      }
      Instant pending = instant(d, "pending_due");
      if (pending == null && d.getLong("fired") == 0) {
        out.add(Violation.of("I8", "no next call",
            "deal " + c.dealId() + " has no next call after REACHED_CALL_LATER", c.dealId()));
      } else if (c.callBackAt() != null && pending != null && pending.isBefore(c.callBackAt().minusSeconds(1))) {
        out.add(Violation.of("I8", "called before callBackAt",
            "deal " + c.dealId() + ": the lead asked to be called at " + local(c.callBackAt())
            + " but the next attempt is due " + local(pending), c.dealId()));
      }
    }
  }

  /** I9: first_contact_at is set exactly when the model made contact on the deal. */
  private static void contact(Model m, Map<Long, Row> byId, List<Violation> out) {
    for (Model.Deal md : m.deals.values()) {
      Row d = byId.get(md.id);
      if (d == null) {
        continue;
      }
      boolean stored = d.getValue("first_contact_at") != null;
      if (stored && !md.contacted) {
        out.add(Violation.of("I9", "contact without an answered call",
            "deal " + md.id + " has first_contact_at " + local(instant(d, "first_contact_at"))
            + " but the customer was never reached on it (no answered call, no REACHED/REACHED_CALL_LATER)", md.id));
      } else if (!stored && md.contacted) {
        out.add(Violation.of("I9", "no contact after an answered call",
            "deal " + md.id + " has no first_contact_at after " + md.contactWhy, md.id));
      }
    }
  }

  /** I11: a deal that is not open has no manager task left open. */
  private static void closedWork(List<Row> deals, List<Violation> out) {
    for (Row d : deals) {
      if (!"OPEN".equals(d.getString("status")) && d.getString("open_manager_tasks") != null) {
        String by = "system".equals(d.getString("closed_by")) ? "the system" : "hand";
        out.add(Violation.of("I11", "open task after a close by " + by, "deal " + d.getLong("id") + " is "
            + d.getString("status") + " (closed by " + d.getString("closed_by") + ") but keeps open manager tasks: "
            + d.getString("open_manager_tasks"), d.getLong("id")));
      }
    }
  }

  /** I5: no call of this history in the unrecorded-calls file, and telephony holds no more than before it. */
  private static void unrecorded(Service s, Model m, List<Violation> out) {
    Set<String> ours = Set.copyOf(m.allLinkedids());
    List<String> lines = s.unrecordedLines().stream().filter(l -> ours.stream().anyMatch(l::contains)).toList();
    int pending = s.pendingCalls();
    if (!lines.isEmpty() || pending > m.baselinePending) {
      out.add(Violation.of("I5", "", "telephony holds " + pending + " unrecorded calls (" + m.baselinePending
          + " before this history); unrecorded-calls.jsonl has " + lines.size() + " lines of this history's calls "
          + Service.abbreviate(String.join(" | ", lines), 600)));
    }
  }

  /** I6 over the given managers (all of them when {@code ids} is null). */
  public static void openDealCounts(Service s, Long[] ids, List<Violation> out) {
    String where = ids == null ? "" : "WHERE m.id = ANY($1)";
    List<Row> rows = ids == null
        ? s.sql("SELECT m.id, m.name, m.open_deals, (SELECT count(*) FROM deals d WHERE d.manager_id = m.id "
            + "AND d.status = 'OPEN') AS counted FROM managers m")
        : s.sql("SELECT m.id, m.name, m.open_deals, (SELECT count(*) FROM deals d WHERE d.manager_id = m.id "
            + "AND d.status = 'OPEN') AS counted FROM managers m " + where, (Object) ids);
    for (Row r : rows) {
      if (r.getInteger("open_deals") != r.getLong("counted").intValue()) {
        out.add(Violation.of("I6", "", "manager " + r.getLong("id") + " " + r.getString("name") + ": open_deals = "
            + r.getInteger("open_deals") + " but " + r.getLong("counted") + " open deals are theirs"));
      }
    }
  }

  static boolean of(Model.Person p, Row d) {
    return p.phone != null && p.phone.equals(d.getString("phone"))
        || p.email != null && p.email.equals(d.getString("email"));
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  static String local(Instant t) {
    if (t == null) {
      return "-";
    }
    var z = t.atZone(History.MOSCOW);
    return z.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH) + " "
        + z.toLocalDate() + " " + z.toLocalTime().withNano(0) + " MSK";
  }
}
