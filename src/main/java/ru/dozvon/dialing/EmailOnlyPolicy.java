package ru.dozvon.dialing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Plans the manager's tasks for a lead known only by email: "request contact details" now, repeat
 * the next day while there is no reply (seed 003 rule 4). Tasks fall inside the calling window,
 * which is when managers work; there are no per-number limits since nothing is dialled.
 *
 * <p>When the requests are used up the deal stays open: closing a silent lead is the funnel's
 * «не отвечает» rule (3 attempts, 3 weeks), not this policy's. A reply with a phone number ends this
 * plan; the caller then starts the dial {@link RetryPolicy} chain.
 */
public final class EmailOnlyPolicy {

  private final EmailOnlyConfig config;
  private final CallingWindow window;

  public EmailOnlyPolicy(EmailOnlyConfig config, CallingWindow window) {
    this.config = Objects.requireNonNull(config, "config");
    this.window = Objects.requireNonNull(window, "window");
  }

  /** What to do next for the lead, deciding at {@code now}. */
  public Step next(History history, Instant now) {
    if (history.repliedAt().isPresent()) {
      return new Step.Stop("the lead replied at "
          + WhenFormat.format(history.repliedAt().get(), now, window.zone()));
    }
    List<Instant> sent = history.requestsSent();
    int number = sent.size() + 1;
    int of = config.requests().size();
    if (number > of) {
      return new Step.NoReply("no reply to " + of + " request" + (of == 1 ? "" : "s")
          + " for contact details; the deal stays open for the funnel's no-reply rules");
    }
    Instant previous = sent.isEmpty() ? history.startedAt() : sent.get(sent.size() - 1);
    String base = config.requests().get(number - 1)
        .describe(sent.isEmpty() ? "the lead arrived" : "request " + (number - 1));
    Instant policyTime = config.requests().get(number - 1).dueAfter(previous, window);
    Instant from = policyTime.isBefore(now) ? now : policyTime;
    Instant due = window.nextOpening(from);
    String why = "request " + number + " of " + of + ": " + base
        + (due.equals(from) ? "" : ", moved to " + WhenFormat.format(due, from, window.zone()) + " by calling hours");
    return new Step.SendRequest(number, of, due, config.task(), config.template(), why);
  }

  /** What the email plan says next. */
  public sealed interface Step {

    /** Give the manager the task to send {@code template} at {@code dueAt}. */
    record SendRequest(int number, int of, Instant dueAt, String task, String template, String why)
        implements Step {
    }

    /** The lead replied: the plan is over. */
    record Stop(String why) implements Step {
    }

    /** Every request went unanswered; nothing more is planned. */
    record NoReply(String why) implements Step {
    }
  }

  /**
   * What has happened so far with an email-only lead.
   *
   * @param startedAt when the lead arrived
   * @param requestsSent when each request for contact details was sent, oldest first
   * @param repliedAt when the lead replied, if they did
   */
  public record History(Instant startedAt, List<Instant> requestsSent, Optional<Instant> repliedAt) {

    public History {
      Objects.requireNonNull(startedAt, "startedAt");
      List<Instant> sorted = new ArrayList<>(Objects.requireNonNull(requestsSent, "requestsSent"));
      sorted.sort(Comparator.naturalOrder());
      requestsSent = List.copyOf(sorted);
      Objects.requireNonNull(repliedAt, "repliedAt");
    }

    public static History startedAt(Instant startedAt) {
      return new History(startedAt, List.of(), Optional.empty());
    }

    public History withRequestSent(Instant at) {
      List<Instant> longer = new ArrayList<>(requestsSent);
      longer.add(at);
      return new History(startedAt, longer, repliedAt);
    }

    public History withReply(Instant at) {
      return new History(startedAt, requestsSent, Optional.of(at));
    }
  }
}
