package ru.dozvon.model;

import io.vertx.sqlclient.Row;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Readable failure text: the deals a violation names, with their attempts, open tasks, calls and history. */
final class Report {

  private Report() {
  }

  static String deals(Service s, List<Violation> violations, Model m) {
    Set<Long> ids = new LinkedHashSet<>();
    violations.forEach(v -> ids.addAll(v.dealIds()));
    StringBuilder out = new StringBuilder();
    for (long id : ids) {
      try {
        out.append(deal(s, id));
      } catch (RuntimeException e) {
        out.append("    deal ").append(id).append(": could not be read (").append(e).append(")\n");
      }
    }
    for (long id : ids) {
      Model.Deal md = m.deals.get(id);
      if (md != null) {
        out.append("    model of deal ").append(id).append(": owed=").append(md.owed)
            .append(md.owed ? " (" + md.owedWhy + ")" : "").append(", contacted=").append(md.contacted)
            .append(md.contacted ? " (" + md.contactWhy + ")" : "").append('\n');
      }
    }
    return out.toString();
  }

  static String deal(Service s, long id) {
    StringBuilder out = new StringBuilder();
    Row d = s.sql("""
        SELECT d.*, k.phone, k.email FROM deals d JOIN contacts k ON k.id = d.contact_id WHERE d.id = $1""", id).get(0);
    out.append("    deal ").append(id).append(": ").append(d.getString("status")).append(" stage ")
        .append(d.getString("stage")).append(", source ").append(d.getString("source")).append(", contact ")
        .append(d.getLong("contact_id")).append(' ').append(d.getString("phone") == null ? "" : d.getString("phone"))
        .append(d.getString("email") == null ? "" : " " + d.getString("email"))
        .append(", manager ").append(d.getLong("manager_id"))
        .append(", arrived ").append(Invariants.local(Invariants.instant(d, "arrived_at")))
        .append(", first contact ").append(Invariants.local(Invariants.instant(d, "first_contact_at")))
        .append(", closed ").append(Invariants.local(Invariants.instant(d, "closed_at")))
        .append(d.getString("loss_reason") == null ? "" : " lost " + d.getString("loss_reason"))
        .append(d.getString("close_comment") == null ? "" : " «" + d.getString("close_comment") + "»").append('\n');
    for (Row a : s.sql("SELECT * FROM attempts WHERE deal_id = $1 ORDER BY no", id)) {
      out.append(String.format("      attempt %d/%d %-9s due %s fired %s placed %s outcome %s at %s%n        why: %s%n",
          a.getInteger("no"), a.getInteger("of_total"), a.getString("state"),
          Invariants.local(Invariants.instant(a, "due_at")), Invariants.local(Invariants.instant(a, "fired_at")),
          Invariants.local(Invariants.instant(a, "placed_at")), a.getString("outcome"),
          Invariants.local(Invariants.instant(a, "outcome_at")), a.getString("why")));
    }
    for (Row t : s.sql("SELECT * FROM tasks WHERE deal_id = $1 AND done_at IS NULL ORDER BY id", id)) {
      out.append("      open task ").append(t.getString("kind")).append(" «").append(t.getString("title"))
          .append("» due ").append(Invariants.local(Invariants.instant(t, "due_at"))).append(" for ")
          .append(t.getString("for_role")).append(' ').append(t.getLong("manager_id")).append('\n');
    }
    for (Row c : s.sql("SELECT * FROM calls WHERE deal_id = $1 ORDER BY ended_at", id)) {
      out.append("      call ").append(c.getString("pbx_call_id")).append(' ').append(c.getString("direction"))
          .append(' ').append(c.getString("outcome"))
          .append(Boolean.TRUE.equals(c.getBoolean("missed")) ? " missed" : "")
          .append(" ended ").append(Invariants.local(Invariants.instant(c, "ended_at"))).append('\n');
    }
    StringBuilder kinds = new StringBuilder();
    for (Row h : s.sql("SELECT kind, actor, details FROM deal_history WHERE deal_id = $1 ORDER BY id", id)) {
      String kind = h.getString("kind");
      if (kind.equals("chain_stopped") || kind.equals("closed") || kind.equals("attempt_outcome")) {
        var det = h.getJsonObject("details");
        String extra = kind.equals("chain_stopped") ? det.getString("why")
            : kind.equals("closed") ? det.getString("reason") + " by " + h.getString("actor")
            : det.getString("outcome") + (Boolean.TRUE.equals(det.getBoolean("calledEarly")) ? " early" : "");
        kinds.append(kind).append('(').append(extra).append(") ");
      } else {
        kinds.append(kind).append(' ');
      }
    }
    out.append("      history: ").append(kinds.toString().trim()).append('\n');
    return out.toString();
  }
}
