package ru.dozvon.dialing;

import java.time.Instant;
import java.util.Objects;
import ru.dozvon.phone.PhoneNumber;

/**
 * A scheduled attempt whose time has come, as the durable scheduler hands it over: the
 * {@link Decision.ScheduleAttempt} it was stored from, plus whose deal and which number.
 *
 * <p>{@code (dealId, number)} identifies it: a handler that stores something keys it on that
 * pair, so a second hand-off of the same attempt (a crash between hand-off and commit) is a no-op.
 *
 * @param dealId the deal the chain belongs to
 * @param number attempt number in the ladder, from 1
 * @param of attempts in the ladder
 * @param phone the number to call
 * @param dueAt when it came due (may be well in the past after downtime)
 * @param why the readable reason stored with the decision
 */
public record DueAttempt(long dealId, int number, int of, PhoneNumber phone, Instant dueAt, String why) {

  public DueAttempt {
    Objects.requireNonNull(phone, "phone");
    Objects.requireNonNull(dueAt, "dueAt");
    Objects.requireNonNull(why, "why");
    if (number < 1 || number > of) {
      throw new IllegalArgumentException("attempt " + number + " of " + of);
    }
  }
}
