package ru.dozvon.dialing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import ru.dozvon.phone.PhoneNumber;

/**
 * The dial retry policy (DOMAIN 3, seed 003 rule 1): given what has happened in a deal's chain,
 * says whether and when the next call attempt is due, or that the chain is over.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>An attempt with outcome REACHED, or the lead's own contact (answered call back, a reply on
 *       any channel) stops the chain for good. A missed call after that is a new chain: the caller
 *       starts a fresh {@link AttemptHistory}.</li>
 *   <li>Every other outcome, REACHED_CALL_LATER included, uses up one step of the ladder; after the
 *       last step the chain is {@link Decision.Exhausted exhausted}.</li>
 *   <li>Attempt k is due its step's time after attempt k-1 (attempt 1: after the lead arrived). A
 *       missed call from the lead since the last attempt makes it due at that call (or earlier, if
 *       the ladder had it due already) and waives the per-number limits: they protect a lead from
 *       us, and this lead is calling us. The calling window still applies.</li>
 *   <li>The due time is never before {@code now}; then the calling window and the per-number limits
 *       move it later, again and again until all hold at once (a daily limit pushes past midnight,
 *       the window then pushes on to the morning).</li>
 * </ol>
 * Thread-safe and stateless: one instance serves all deals.
 */
public final class RetryPolicy {

  /** Convergence guard: each round moves the time strictly later, a handful always suffices. */
  private static final int MAX_ROUNDS = 64;

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
    List<HistoryEvent.Attempt> done = new ArrayList<>();
    HistoryEvent.MissedCall missedSinceLast = null;
    for (HistoryEvent event : history.events()) {
      if (event instanceof HistoryEvent.Attempt a) {
        if (a.outcome().stopsChain()) {
          return new Decision.Stop("attempt " + (done.size() + 1) + " reached the lead at " + when(a.at(), now));
        }
        done.add(a);
        missedSinceLast = null;
      } else if (event instanceof HistoryEvent.ContactMade c) {
        return new Decision.Stop("the lead made contact (" + channel(c.channel()) + ") at " + when(c.at(), now));
      } else if (event instanceof HistoryEvent.MissedCall m) {
        missedSinceLast = m;
      }
    }
    int number = done.size() + 1;
    int of = attempts();
    if (number > of) {
      return new Decision.Exhausted(config.lossReason(), config.supervisorTask());
    }
    RetryStep step = config.steps().get(number - 1);
    HistoryEvent.Attempt last = done.isEmpty() ? null : done.get(done.size() - 1);
    Instant previous = last == null ? history.startedAt() : last.at();
    Instant policyTime = step.dueAfter(previous, window);
    String base = step.describe(last == null ? "the lead arrived" : "attempt " + (number - 1));
    if (last != null && last.outcome() == AttemptOutcome.REACHED_CALL_LATER) {
      base += " (answered, asked to call later)";
    }
    boolean waiveLimits = false;
    if (missedSinceLast != null) {
      // Due at the call, or earlier if the ladder already had it due: the call is the news either way.
      if (missedSinceLast.at().isBefore(policyTime)) {
        policyTime = missedSinceLast.at();
      }
      base = "the lead called again at " + when(missedSinceLast.at(), now) + " and was missed";
      waiveLimits = true;
    }
    Instant from = policyTime.isBefore(now) ? now : policyTime;
    StringBuilder why = new StringBuilder("attempt " + number + " of " + of + ": " + base);
    if (!waiveLimits && Duration.between(policyTime, now).toMinutes() >= 1) {
      why.append(", overdue since ").append(when(policyTime, now));
    }
    Instant due = fit(from, history.number(), history.callTimes(), waiveLimits, why);
    return new Decision.ScheduleAttempt(number, of, due, why.toString());
  }

  /** Moves {@code t} until the window and the limits all hold; appends what moved it to {@code why}. */
  private Instant fit(Instant t, PhoneNumber number, List<Instant> calls, boolean waiveLimits, StringBuilder why) {
    NumberLimits.Limit limit = limits.forKind(number.kind());
    Set<String> movedBy = new LinkedHashSet<>();
    Instant at = t;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Instant open = window.nextOpening(at);
      if (!open.equals(at)) {
        movedBy.add("calling hours");
      }
      Instant next = open;
      if (!waiveLimits) {
        NumberLimits.Check check = limit.earliestAllowed(open, calls, window.zone());
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
      case EMAIL -> "replied by email";
      case CHAT -> "replied in chat";
      case MESSENGER -> "replied in a messenger";
      case SMS -> "replied by SMS";
      case OTHER -> "replied";
    };
  }
}
