package ru.dozvon.telephony.cdr;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.phone.PhoneNumbers;

/**
 * How the CDR rows Asterisk wrote are read as calls (pure: rows in, verdicts out). The rows of one call share a
 * {@code linkedid}; there are several (one per dialled leg, per Local channel half, per bridge change), and some legs
 * wrote none ({@code cdr.conf unanswered=no}, the default, drops an unanswered record that dialled nobody). A call is
 * <em>inbound</em> when a row of it ran in an inbound context; it <em>reached an operator</em> when some leg's party B
 * answered ({@code ANSWERED} with a {@code dstchannel}). {@code ANSWERED} without a party B is the PBX itself
 * answering (a queue's music, an IVR, voicemail), which no operator did. A caller who hung up while it rang and a
 * call nobody answered both read {@code NO ANSWER}: such calls are recovered as {@code NO_ANSWER}.
 */
public final class CdrRules {

  /** What a CDR group is for the recovery. */
  public enum Kind {
    /** Inbound and no operator answered: a missed call. */
    MISSED,
    /** Inbound, and an operator (or whatever the dialplan dialled) answered. */
    REACHED_OPERATOR,
    /** Not inbound: placed by us or by an operator, or no row ran in an inbound context. */
    NOT_INBOUND
  }

  /** One call's rows, ordered by start and sequence. */
  public record Group(String linkedid, List<CdrRow> rows) {
    /** When its last row ended (null when no row has an end). */
    public Instant lastEnd() {
      Instant last = null;
      for (CdrRow r : rows) {
        if (r.end() != null && (last == null || r.end().isAfter(last))) {
          last = r.end();
        }
      }
      return last;
    }
  }

  /** A group's verdict; {@code facts} is set for {@link Kind#MISSED} only. */
  public record Verdict(Group group, Kind kind, CallFacts facts) {
  }

  private static final Comparator<CdrRow> ORDER = Comparator
      .comparing(CdrRow::start, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(CdrRow::sequence, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(CdrRow::uniqueid, Comparator.nullsLast(Comparator.naturalOrder()));

  private final Set<String> inboundContexts;
  private final Set<String> outboundContexts;

  /**
   * @param inboundContexts where customers' calls run (a row with one of these as {@code dcontext} is the caller's)
   * @param outboundContexts where calls Dozvon places dial the customer (a call with such a row is not inbound)
   */
  public CdrRules(Set<String> inboundContexts, Set<String> outboundContexts) {
    this.inboundContexts = Set.copyOf(inboundContexts);
    this.outboundContexts = Set.copyOf(outboundContexts);
  }

  /** The rows grouped by call (linkedid), in order of each call's first row. Rows with no id at all are left out. */
  public static List<Group> group(Collection<CdrRow> rows) {
    Map<String, List<CdrRow>> byCall = new LinkedHashMap<>();
    for (CdrRow r : rows.stream().sorted(ORDER).toList()) {
      if (r.callId() != null) {
        byCall.computeIfAbsent(r.callId(), k -> new ArrayList<>()).add(r);
      }
    }
    List<Group> out = new ArrayList<>(byCall.size());
    byCall.forEach((id, list) -> out.add(new Group(id, List.copyOf(list))));
    return out;
  }

  /** Groups the rows and judges each group. */
  public List<Verdict> judgeAll(Collection<CdrRow> rows) {
    return group(rows).stream().map(this::judge).toList();
  }

  /** What one call is, and for a missed call its facts as the AMI path would store them (same PBX call id). */
  public Verdict judge(Group g) {
    CdrRow caller = null;
    boolean outbound = false;
    boolean reached = false;
    for (CdrRow r : g.rows()) {
      outbound |= r.dcontext() != null && outboundContexts.contains(r.dcontext());
      reached |= r.partyBAnswered();
      if (caller == null && r.dcontext() != null && inboundContexts.contains(r.dcontext())) {
        caller = r;
      }
    }
    if (outbound || caller == null) {
      return new Verdict(g, Kind.NOT_INBOUND, null);
    }
    if (reached) {
      return new Verdict(g, Kind.REACHED_OPERATOR, null);
    }
    return new Verdict(g, Kind.MISSED, missedFacts(g, caller));
  }

  private static CallFacts missedFacts(Group g, CdrRow caller) {
    Instant started = null;
    Instant ended = null;
    Instant firstDial = null;
    Instant lastDialEnd = null;
    String queue = null;
    boolean voicemail = false;
    int dialled = 0;
    int busy = 0;
    int failed = 0;
    for (CdrRow r : g.rows()) {
      started = min(started, r.start());
      ended = max(ended, r.end());
      String app = r.lastapp() == null ? "" : r.lastapp().toLowerCase(Locale.ROOT);
      if (queue == null && "queue".equals(app) && r.lastdata() != null) {
        String name = r.lastdata().split(",", 2)[0].strip();
        queue = name.isEmpty() ? null : name;
      }
      voicemail |= "voicemail".equals(app);
      if (r.dstchannel() != null) {
        dialled++;
        firstDial = min(firstDial, r.start());
        lastDialEnd = max(lastDialEnd, r.end());
        String d = r.disposition() == null ? "" : r.disposition();
        busy += "BUSY".equals(d) ? 1 : 0;
        failed += "FAILED".equals(d) || "CONGESTION".equals(d) ? 1 : 0;
      }
    }
    if (ended == null) {
      ended = started;
    }
    if (started == null) {
      started = ended;
    }
    CallOutcome outcome = voicemail ? CallOutcome.VOICEMAIL
        : dialled > 0 && busy == dialled ? CallOutcome.BUSY
        : dialled > 0 && failed + busy == dialled && failed > 0 ? CallOutcome.UNAVAILABLE
        : CallOutcome.NO_ANSWER;
    String raw = caller.src();
    PhoneNumber number = PhoneNumbers.tryParse(raw).orElse(null);
    boolean withheld = number == null && PhoneNumbers.isWithheld(raw);
    String company = caller.dst() == null || "s".equals(caller.dst()) ? null : caller.dst();
    int wait = seconds(started, ended);
    int ring = firstDial == null ? 0 : seconds(firstDial, lastDialEnd);
    return new CallFacts(g.linkedid(), CallDirection.INBOUND, outcome, true, number, raw, withheld, company, null,
        queue, started, null, ended, ring, 0, false, null, null, null, wait);
  }

  private static int seconds(Instant from, Instant to) {
    if (from == null || to == null || to.isBefore(from)) {
      return 0;
    }
    return (int) Math.min(Integer.MAX_VALUE, Duration.between(from, to).toSeconds());
  }

  private static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
