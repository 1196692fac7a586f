package ru.dozvon.dialing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import ru.dozvon.deals.ContactChannel;
import ru.dozvon.phone.NumberZones;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.time.Durations;

/**
 * The dial retry policy (DOMAIN 3, seed 003 rule 1): given a deal's whole callback history, says whether and when
 * the next call attempt is due, or that the chain is over.
 *
 * <p>The history is read as a sequence of ladders. The deal starts ladder 1 when the lead arrives; then, in time
 * order:
 * <ol>
 *   <li>A step that ended unanswered (NO_ANSWER, BUSY, UNAVAILABLE, FAILED) uses up that step; after the last step
 *       the ladder is {@link Decision.Exhausted exhausted}. A step or an extra call that reached the lead
 *       (REACHED), the lead's own contact by another path (an answered call back) or a cancelled attempt stops the
 *       ladder.</li>
 *   <li>REACHED_CALL_LATER (a step or an extra call) is contact, and starts a new ladder whose first call is at the
 *       time the lead named, or {@code callLaterAfter} later inside the calling window: it always schedules
 *       something.</li>
 *   <li>A call outside the steps ({@link HistoryEvent.ExtraCall}: the operator dialled before the pending step was
 *       due) uses up no step: «не дозвонился» comes only after the steps were tried at their times. It counts
 *       against the per-number limits.</li>
 *   <li>A missed call or a message from the lead, while a ladder runs, makes the next step due at once and waives
 *       the per-number limits (they protect a lead from us, and this lead is reaching for us). On a ladder that was
 *       stopped or ended, it starts a new ladder whose first call is due at once.</li>
 *   <li>Attempt k is due its step's time after attempt k-1 (attempt 1: after the ladder started). The due time is
 *       never before {@code now}; then the calling window and the per-number limits move it later, again and again
 *       until all hold at once.</li>
 * </ol>
 * The calling window is the lead's own: its hours and days (holidays as configured) in the zone the number tells
 * ({@link NumberZones}: a Vladivostok landline is called 10:00-19:00 Vladivostok time), the company's zone when
 * the number does not tell one (mobiles); the per-number daily count runs on the lead's local day too. Times in
 * the why are the company's, with the due time in the lead's zone added when it differs
 * («10:00 по времени клиента, Asia/Vladivostok»).
 * Thread-safe and stateless: one instance serves all deals.
 */
public final class RetryPolicy {

  /** Convergence guard: each round moves the time strictly later, a handful always suffices. */
  private static final int MAX_ROUNDS = 64;
  private static final DateTimeFormatter LOCAL_CLOCK = DateTimeFormatter.ofPattern("HH:mm");

  private final RetryPolicyConfig config;
  private final CallingWindow window;
  private final NumberLimits limits;

  public RetryPolicy(RetryPolicyConfig config, CallingWindow window, NumberLimits limits) {
    this.config = Objects.requireNonNull(config, "config");
    this.window = Objects.requireNonNull(window, "window");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The policy of a parsed {@code retry} config section. */
  public static RetryPolicy from(RetryConfig config) {
    return new RetryPolicy(config.policy(), config.window(), config.limits());
  }

  public CallingWindow window() {
    return window;
  }

  /** Number of attempts in the ladder ("of 4"). */
  public int attempts() {
    return config.steps().size();
  }

  /** What happens next in the chain described by {@code history}, deciding at {@code now}. */
  public Decision next(AttemptHistory history, Instant now) {
    Ladder l = Ladder.first(history.startedAt());
    boolean reached = false;
    for (HistoryEvent event : history.events()) {
      if (event instanceof HistoryEvent.Attempt a && l.stopped != null) {
        // a step ended after its ladder had stopped (only a tie in time can show it so): a call like any other
        event = new HistoryEvent.ExtraCall(a.at(), a.outcome(), a.callBackAt());
      }
      if (event instanceof HistoryEvent.Attempt a) {
        if (a.outcome() == AttemptOutcome.REACHED) {
          l = l.stop("attempt " + (l.done.size() + 1) + " reached the lead at " + when(a.at(), now));
          reached = true;
        } else if (a.outcome() == AttemptOutcome.REACHED_CALL_LATER) {
          l = Ladder.callLater(l.number + 1, a.at(), a.callBackAt());
          reached = true;
        } else {
          l.done.add(a);
          l.missedSince = null;
        }
      } else if (event instanceof HistoryEvent.ExtraCall x) {
        if (x.outcome() == AttemptOutcome.REACHED) {
          l = l.stop("the lead was reached at " + when(x.at(), now));
          reached = true;
        } else if (x.outcome() == AttemptOutcome.REACHED_CALL_LATER) {
          l = Ladder.callLater(l.number + 1, x.at(), x.callBackAt());
          reached = true;
        }
      } else if (event instanceof HistoryEvent.ContactMade c) {
        l = l.stop("the lead made contact (" + channel(c.channel()) + ") at " + when(c.at(), now));
        reached = true;
      } else if (event instanceof HistoryEvent.Cancelled c) {
        l = l.stop("the attempt was cancelled at " + when(c.at(), now));
      } else if (event instanceof HistoryEvent.LadderEnded e) {
        l = l.stop("every step was tried; the ladder ended at " + when(e.at(), now));
      } else if (event instanceof HistoryEvent.MissedCall || event instanceof HistoryEvent.CustomerMessage) {
        String what = event instanceof HistoryEvent.MissedCall ? "called again" : "wrote";
        if (l.stopped != null || l.done.size() >= attempts()) {
          l = Ladder.recall(l.number + 1, event.at(), what);
        } else {
          l.missedSince = event.at();
          l.missedWhat = what;
        }
      }
    }
    if (l.stopped != null) {
      return new Decision.Stop(l.stopped);
    }
    int number = l.done.size() + 1;
    int of = attempts();
    if (number > of) {
      return new Decision.Exhausted(config.lossReason(), config.supervisorTask(), reached);
    }
    return schedule(l, number, of, history, now);
  }

  /** The calling window as the lead lives it: in the number's zone when it tells one, else the company's. */
  public CallingWindow windowFor(PhoneNumber number) {
    return NumberZones.zoneOf(number).map(window::withZone).orElse(window);
  }

  private Decision schedule(Ladder l, int number, int of, AttemptHistory history, Instant now) {
    CallingWindow leads = windowFor(history.number());
    HistoryEvent.Attempt last = l.done.isEmpty() ? null : l.done.get(l.done.size() - 1);
    Instant policyTime;
    String base;
    boolean waiveLimits = false;
    boolean fitWindow = true;
    if (last == null && l.callLaterAt != null) {
      policyTime = l.callLaterAt; // the time the lead named: kept as named
      base = "the lead asked to be called back at " + when(policyTime, now);
      waiveLimits = true;
      fitWindow = false;
    } else if (last == null && l.kind == Kind.CALL_LATER) {
      policyTime = l.start.plus(config.callLaterAfter());
      base = Durations.describe(config.callLaterAfter()) + " after the lead asked to be called later";
    } else if (last == null && l.kind == Kind.RECALL) {
      policyTime = l.start;
      base = "the lead " + l.recallWhat + " at " + when(l.start, now) + " after the chain had stopped";
      waiveLimits = true;
    } else {
      RetryStep step = config.steps().get(number - 1);
      Instant previous = last == null ? l.start : last.at();
      policyTime = step.dueAfter(previous, leads);
      base = step.describe(last == null ? "the lead arrived" : "attempt " + (number - 1));
    }
    if (l.missedSince != null) {
      // Due at the call, or earlier if the ladder already had it due: the call is the news either way.
      if (l.missedSince.isBefore(policyTime)) {
        policyTime = l.missedSince;
      }
      base = "the lead " + l.missedWhat + " at " + when(l.missedSince, now) + " and was missed";
      waiveLimits = true;
      fitWindow = true;
    }
    Instant from = policyTime.isBefore(now) ? now : policyTime;
    StringBuilder why = new StringBuilder("attempt " + number + " of " + of + ": " + base);
    if (!waiveLimits && Duration.between(policyTime, now).toMinutes() >= 1) {
      why.append(", overdue since ").append(when(policyTime, now));
    }
    Instant due = fitWindow ? fit(leads, from, history.number(), history.callTimes(), waiveLimits, why) : from;
    ZoneId zone = leads.zone();
    if (!zone.equals(window.zone())) {
      why.append("; ").append(LOCAL_CLOCK.format(due.atZone(zone))).append(" по времени клиента, ").append(zone.getId());
    }
    return new Decision.ScheduleAttempt(number, of, due, why.toString(), l.number);
  }

  private enum Kind { FIRST, CALL_LATER, RECALL }

  /** The ladder being read: its number, how it started, the steps it used up, and whether it stopped. */
  private static final class Ladder {
    final int number;
    final Kind kind;
    final Instant start;
    final Instant callLaterAt;
    final String recallWhat;
    final List<HistoryEvent.Attempt> done = new ArrayList<>();
    Instant missedSince;
    String missedWhat;
    String stopped;

    private Ladder(int number, Kind kind, Instant start, Instant callLaterAt, String recallWhat) {
      this.number = number;
      this.kind = kind;
      this.start = start;
      this.callLaterAt = callLaterAt;
      this.recallWhat = recallWhat;
    }

    static Ladder first(Instant arrived) {
      return new Ladder(1, Kind.FIRST, arrived, null, null);
    }

    static Ladder callLater(int number, Instant at, Instant callBackAt) {
      return new Ladder(number, Kind.CALL_LATER, at, callBackAt, null);
    }

    static Ladder recall(int number, Instant at, String what) {
      return new Ladder(number, Kind.RECALL, at, null, what);
    }

    Ladder stop(String why) {
      stopped = why;
      return this;
    }
  }

  /** Moves {@code t} until the window and the limits all hold; appends what moved it to {@code why}. */
  private Instant fit(CallingWindow leads, Instant t, PhoneNumber number, List<Instant> calls, boolean waiveLimits,
                      StringBuilder why) {
    NumberLimits.Limit limit = limits.forKind(number.kind());
    Set<String> movedBy = new LinkedHashSet<>();
    Instant at = t;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Instant open = leads.nextOpening(at);
      if (!open.equals(at)) {
        movedBy.add("calling hours");
      }
      Instant next = open;
      if (!waiveLimits) {
        NumberLimits.Check check = limit.earliestAllowed(open, calls, leads.zone());
        if (check.moved()) {
          movedBy.add("the " + kindName(number.kind()) + " limit (" + check.movedBy() + ")");
          next = check.at();
        }
      }
      if (next.equals(at)) {
        if (!movedBy.isEmpty()) {
          why.append(", moved to ").append(when(at, t)).append(" by ").append(String.join(" and ", movedBy));
        }
        return at;
      }
      at = next;
    }
    throw new IllegalStateException("calling window and number limits do not converge from " + t);
  }

  private String when(Instant t, Instant reference) {
    return WhenFormat.format(t, reference, window.zone());
  }

  private static String kindName(PhoneNumber.Kind kind) {
    return switch (kind) {
      case MOBILE -> "mobile";
      case FIXED_LINE -> "landline";
      case OTHER -> "per-number";
    };
  }

  private static String channel(ContactChannel channel) {
    return switch (channel) {
      case ANSWERED_INBOUND_CALL -> "called back, answered";
      case ANSWERED_OUTBOUND_CALL -> "answered our call";
      case WEB_FORM -> "sent a form";
      case EMAIL -> "replied by email";
      case CHAT -> "replied in chat";
      case MESSENGER -> "replied in a messenger";
      case SMS -> "replied by SMS";
      case OTHER -> "replied";
    };
  }
}
