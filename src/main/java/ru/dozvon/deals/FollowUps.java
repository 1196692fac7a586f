package ru.dozvon.deals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import ru.dozvon.time.Durations;
import ru.dozvon.time.WorkingTime;

/**
 * The follow-up cadences after the first contact (DOMAIN 7, issue 12; {@code funnel.follow_ups}), pure: times in,
 * tasks with their why out. Every deadline counts {@link WorkingTime} (weeks by the calendar, days as working days,
 * hours as working hours). A zero duration turns a cadence off.
 *
 * @param noAnswerAfter an unanswered call on a deal already in work: «Перезвонить» this much later (seed 002: 3 h)
 * @param thinkingEvery the client "will think it over" without a date: a call this often (seed 003 §4.7: a week)
 * @param offerStage the stage whose entry means the offer (КП) was sent
 * @param offerReminders reminders after the offer, from entering {@code offerStage} (seed 000: 2 d, 1 w, 2 w)
 * @param deadlineField the deal field holding the client's own deadline (ISO date); a reminder the working day before
 * @param coldAfter silence (no contact) after which an open deal is «холодная» (seed 000: a month)
 */
public record FollowUps(Duration noAnswerAfter, Duration thinkingEvery, String offerStage,
                        List<Duration> offerReminders, String deadlineField, Duration coldAfter) {

  /** Seeds 000, 002, 003 as DOMAIN 7 writes them. */
  public static final FollowUps DEFAULT = new FollowUps(Duration.ofHours(3), Duration.ofDays(7), "offer_sent",
      List.of(Duration.ofDays(2), Duration.ofDays(7), Duration.ofDays(14)), "client_deadline", Duration.ofDays(30));

  /** Cadence codes, stored in {@code tasks.cadence}. */
  public static final String NO_ANSWER = "no_answer";
  public static final String THINKING = "thinking";
  public static final String OFFER = "offer";
  public static final String CLIENT_DEADLINE = "client_deadline";

  public FollowUps {
    Objects.requireNonNull(noAnswerAfter, "noAnswerAfter");
    Objects.requireNonNull(thinkingEvery, "thinkingEvery");
    Objects.requireNonNull(offerStage, "offerStage");
    offerReminders = List.copyOf(offerReminders);
    Objects.requireNonNull(deadlineField, "deadlineField");
    Objects.requireNonNull(coldAfter, "coldAfter");
  }

  /** A task a cadence wants: the spec, which cadence, and why it is due when it is. */
  public record Planned(TaskSpec spec, String cadence, String why) {
  }

  /** «Перезвонить» after an unanswered call on a deal past the first stage; empty when the cadence is off. */
  public Optional<Planned> noAnswer(Instant calledAt, WorkingTime working) {
    if (noAnswerAfter.isZero()) {
      return Optional.empty();
    }
    Instant due = working.plus(calledAt, noAnswerAfter);
    return Optional.of(new Planned(new TaskSpec(TaskKind.FOLLOW_UP, "Перезвонить", due, AssigneeRole.MANAGER),
        NO_ANSWER, "no answer on a deal in work: call again " + Durations.describe(noAnswerAfter)
            + " of working time later"));
  }

  /**
   * The next weekly call to a client thinking it over: {@code thinkingEvery} after the previous one was due (the
   * first: after the client said so), never before {@code now}; empty when the cadence is off.
   */
  public Optional<Planned> thinking(Instant previous, int number, Instant now, WorkingTime working) {
    if (thinkingEvery.isZero()) {
      return Optional.empty();
    }
    Instant due = working.plus(previous, thinkingEvery);
    while (due.isBefore(now)) {
      due = working.plus(due, thinkingEvery);
    }
    return Optional.of(new Planned(new TaskSpec(TaskKind.FOLLOW_UP, "Клиент думает: позвонить", due,
        AssigneeRole.MANAGER), THINKING, "call " + number + ": the client is thinking it over, a call every "
        + Durations.describe(thinkingEvery) + " until the deal moves or closes"));
  }

  /**
   * The reminders when a deal enters the offer stage at {@code now}: one per {@code offerReminders}, and one the
   * working day before the client's deadline when it is set and still ahead.
   */
  public List<Planned> offerSent(Instant now, Optional<LocalDate> clientDeadline, WorkingTime working) {
    List<Planned> out = new ArrayList<>();
    for (Duration d : offerReminders) {
      out.add(new Planned(new TaskSpec(TaskKind.FOLLOW_UP, "Напомнить о КП", working.plus(now, d),
          AssigneeRole.MANAGER), OFFER, "reminder " + (out.size() + 1) + " of " + offerReminders.size() + ": "
          + Durations.describe(d) + " after the offer was sent"));
    }
    clientDeadline.ifPresent(deadline -> {
      LocalDate day = deadline.minusDays(1);
      while (!working.isWorkingDay(day) && day.isAfter(now.atZone(working.zone()).toLocalDate())) {
        day = day.minusDays(1);
      }
      Instant due = working.nextWorking(ZonedDateTime.of(day, working.opens(), working.zone()).toInstant());
      if (due.isAfter(now) && day.isBefore(deadline)) {
        out.add(new Planned(new TaskSpec(TaskKind.FOLLOW_UP, "Завтра срок клиента (" + deadline + "): позвонить",
            due, AssigneeRole.MANAGER), CLIENT_DEADLINE, "the working day before the client's deadline "
            + deadline + " (field " + deadlineField + ")"));
      }
    });
    return out;
  }

  /** True when a deal silent since {@code lastContact} is cold at {@code now}. */
  public boolean isCold(Instant lastContact, Instant now) {
    return !coldAfter.isZero() && !lastContact.plus(coldAfter).isAfter(now);
  }
}
