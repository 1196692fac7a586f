package ru.dozvon.deals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Closing and reopening rules (seed 003 §9, seed 002); reached through {@link Funnel}.
 *
 * <p>The 8-week automatic loss does not ask for the attempts a manager's «не отвечает» needs:
 * seed 003 §9.7 makes 8 weeks of silence the hard limit, and the supervisor's control task
 * checks the closing either way.
 */
final class DealClosing {

  private final Funnel funnel;
  private final ClosingPolicy policy;

  DealClosing(Funnel funnel) {
    this.funnel = funnel;
    this.policy = funnel.config().closing();
  }

  Closure close(DealView deal, DealStatus status, String reasonCode, String comment, Instant now) {
    return close(deal, status, reasonCode, comment, now, false);
  }

  /**
   * @param byRule a rule closes the deal (the exhausted callback ladder): the reason's contact guard, which is
   *     there to stop a person giving up too early, does not apply; the rule made its own attempts
   */
  Closure close(DealView deal, DealStatus status, String reasonCode, String comment, Instant now, boolean byRule) {
    Objects.requireNonNull(deal, "deal");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(now, "now");
    if (status == DealStatus.OPEN) {
      throw new IllegalArgumentException("a deal is closed as WON, LOST or INVALID, not OPEN");
    }
    if (deal.status().isClosed()) {
      return refuse(FunnelRule.DEAL_CLOSED, "the deal is already " + lower(deal.status()), List.of());
    }
    String what = "closing as " + lower(status);
    String text = comment == null ? "" : comment.strip();
    List<String> missing = new ArrayList<>();
    if (reasonCode == null || reasonCode.isBlank()) {
      missing.add("reason");
    }
    if (status == DealStatus.LOST && text.isEmpty()) {
      missing.add("comment");
    }
    if (!missing.isEmpty()) {
      return refuse(FunnelRule.MISSING_FIELDS, what + " needs " + String.join(" and ", missing), missing);
    }
    List<Reason> allowed = funnel.reasonsFor(status);
    Optional<Reason> reason = allowed.stream().filter(r -> r.code().equals(reasonCode.strip())).findFirst();
    if (reason.isEmpty()) {
      return refuse(FunnelRule.UNKNOWN_REASON, "'" + reasonCode + "' is not a reason for " + what
          + " (expected one of " + allowed.stream().map(Reason::code).collect(Collectors.joining(", ")) + ")",
          List.of("reason"));
    }
    if (status == DealStatus.WON) {
      Stage won = funnel.wonStage();
      List<String> blank = funnel.missingFields(deal, Map.of(), won.code());
      if (!blank.isEmpty()) {
        return refuse(FunnelRule.MISSING_FIELDS, "«" + won.name() + "» needs these fields filled: "
            + String.join(", ", blank), blank);
      }
    }
    if (status == DealStatus.LOST && !byRule && reason.get().guard().isPresent()) {
      Optional<Closure> refused = checkGuard(deal, reason.get(), reason.get().guard().get(), now);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    return closed(status, reason.get(), text, now, false);
  }

  private Optional<Closure> checkGuard(DealView deal, Reason reason, ContactGuard guard, Instant now) {
    if (deal.attemptCount() < guard.minAttempts()) {
      return Optional.of(refuse(FunnelRule.TOO_FEW_ATTEMPTS, "closing as «" + reason.name()
          + "» needs at least " + guard.minAttempts() + " attempts to reach the customer; "
          + deal.attemptCount() + " made", List.of()));
    }
    Instant allowedFrom = deal.silentSince().plus(guard.minSilence());
    if (now.isBefore(allowedFrom)) {
      return Optional.of(refuse(FunnelRule.TOO_SOON_SINCE_CONTACT, "closing as «" + reason.name()
          + "» needs " + days(guard.minSilence()) + " since the last contact; only "
          + days(Duration.between(deal.silentSince(), now)) + " passed, allowed from " + allowedFrom,
          List.of()));
    }
    return Optional.empty();
  }

  Optional<Instant> autoCloseAt(DealView deal) {
    Objects.requireNonNull(deal, "deal");
    return deal.status().isClosed() ? Optional.empty()
        : Optional.of(deal.silentSince().plus(policy.autoCloseAfter()));
  }

  Optional<Closure.Closed> autoCloseDue(DealView deal, Instant now) {
    Objects.requireNonNull(now, "now");
    return autoCloseAt(deal).filter(due -> !now.isBefore(due)).map(due -> {
      Reason reason = funnel.reasonsFor(DealStatus.LOST).stream()
          .filter(r -> r.code().equals(policy.autoCloseReason())).findFirst().orElseThrow();
      String comment = "Закрыта автоматически: нет контакта с клиентом " + russianSpan(policy.autoCloseAfter());
      return closed(DealStatus.LOST, reason, comment, now, true);
    });
  }

  Reopening reopen(DealView deal, Instant now) {
    Objects.requireNonNull(deal, "deal");
    Objects.requireNonNull(now, "now");
    if (deal.status() != DealStatus.LOST) {
      return new Reopening.Refused(Refusal.of(FunnelRule.NOT_LOST,
          "only a lost deal can be reopened; this one is " + lower(deal.status())));
    }
    String stage = policy.reopenStage();
    Optional<TaskSpec> task = funnel.entryTask(stage, now);
    // "less than 30 days ago": exactly 30 days is already too old to reopen (seed 002).
    if (Duration.between(deal.closedAt(), now).compareTo(policy.reopenWithin()) < 0) {
      return new Reopening.Reopened(stage, task);
    }
    return new Reopening.NewLinkedDeal(stage, deal.fields(), task);
  }

  private Closure.Closed closed(DealStatus status, Reason reason, String comment, Instant now,
      boolean automatic) {
    boolean lost = status == DealStatus.LOST;
    Optional<TaskSpec> control = lost
        ? Optional.of(new TaskSpec(TaskKind.CLOSING_CONTROL, policy.controlTaskTitle(),
            funnel.workingTime().plus(now, policy.controlTaskWithin()), AssigneeRole.SUPERVISOR))
        : Optional.empty();
    String stage = status == DealStatus.WON ? funnel.wonStage().code() : funnel.closingStage().code();
    return new Closure.Closed(status, stage, reason, comment, now, control,
        lost && policy.notifyCustomerOnLoss(), automatic);
  }

  private static Closure refuse(FunnelRule rule, String message, List<String> fields) {
    return new Closure.Refused(new Refusal(rule, message, fields));
  }

  private static String lower(DealStatus status) {
    return status.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String russianSpan(Duration d) {
    long days = d.toDays();
    return days % 7 == 0 ? days / 7 + " нед." : days + " дн.";
  }

  private static String days(Duration d) {
    long days = d.toDays();
    return days > 0 ? days + " d" : d.toHours() + " h";
  }
}
