package ru.dozvon.dialing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import ru.dozvon.deals.ContactChannel;
import ru.dozvon.phone.PhoneNumber;

/**
 * What has happened so far in one deal's retry chain: when the chain started (the lead arrived:
 * missed call, web form...), which number is called, and the events since, oldest first.
 *
 * <p>Immutable; the {@code with*} methods return a longer history. Events are kept in the order given: the order
 * they were learned (stored), which is the order the chain acted on them. Their times are only used to measure
 * the ladder's steps; ordering by them would let the clocks of the PBX and of this service disagree about
 * whether a call came before or after an outcome recorded the same second.
 *
 * @param startedAt when the lead arrived; attempt 1 is measured from here
 * @param number the number being called (its kind selects the per-number limits)
 * @param events attempts, calls outside the ladder, cancellations, contacts, repeated missed calls and
 *     messages, in the order they were learned
 */
public record AttemptHistory(Instant startedAt, PhoneNumber number, List<HistoryEvent> events) {

  public AttemptHistory {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(number, "number");
    List<HistoryEvent> inOrder = new ArrayList<>(Objects.requireNonNull(events, "events"));
    inOrder.forEach(e -> Objects.requireNonNull(e, "event"));
    events = List.copyOf(inOrder);
  }

  /** A chain that has just started: no attempts yet. */
  public static AttemptHistory startedAt(Instant startedAt, PhoneNumber number) {
    return new AttemptHistory(startedAt, number, List.of());
  }

  public AttemptHistory with(HistoryEvent event) {
    List<HistoryEvent> longer = new ArrayList<>(events);
    longer.add(event);
    return new AttemptHistory(startedAt, number, longer);
  }

  public AttemptHistory withAttempt(Instant at, AttemptOutcome outcome) {
    return with(new HistoryEvent.Attempt(at, outcome));
  }

  public AttemptHistory withContact(Instant at, ContactChannel channel) {
    return with(new HistoryEvent.ContactMade(at, channel));
  }

  public AttemptHistory withMissedCall(Instant at) {
    return with(new HistoryEvent.MissedCall(at));
  }

  public AttemptHistory withExtraCall(Instant at, AttemptOutcome outcome) {
    return with(new HistoryEvent.ExtraCall(at, outcome, null));
  }

  public AttemptHistory withMessage(Instant at, ContactChannel channel) {
    return with(new HistoryEvent.CustomerMessage(at, channel));
  }

  public AttemptHistory withCancelled(Instant at) {
    return with(new HistoryEvent.Cancelled(at));
  }

  /** The ladder steps tried so far (every ladder), oldest first. */
  public List<HistoryEvent.Attempt> attempts() {
    return events.stream()
        .filter(HistoryEvent.Attempt.class::isInstance)
        .map(HistoryEvent.Attempt.class::cast)
        .toList();
  }

  /** The times calls were placed to the number (steps and calls outside the ladder), for the per-number limits. */
  public List<Instant> callTimes() {
    return events.stream()
        .filter(e -> e instanceof HistoryEvent.Attempt || e instanceof HistoryEvent.ExtraCall)
        .map(HistoryEvent::at).toList();
  }
}
