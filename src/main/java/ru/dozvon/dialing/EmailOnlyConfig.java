package ru.dozvon.dialing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The email variant for a lead that left only an email (DOMAIN 3, seed 003 rule 4): ask for contact
 * details now, and again the next day if there is no reply.
 *
 * @param requests when each request is due, measured like {@link RetryStep}s (request 1 from arrival)
 * @param task the manager's task title
 * @param template the email template to send
 */
public record EmailOnlyConfig(List<RetryStep> requests, String task, String template) {

  public static final EmailOnlyConfig DEFAULT = new EmailOnlyConfig(
      List.of(new RetryStep.AfterDelay(Duration.ZERO), new RetryStep.AfterDelay(Duration.ofDays(1))),
      "Запросить контактные данные", "Запрос контактных данных");

  public EmailOnlyConfig {
    requests = List.copyOf(Objects.requireNonNull(requests, "requests"));
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("the email variant needs at least one request");
    }
    if (Objects.requireNonNull(task, "task").isBlank()) {
      throw new IllegalArgumentException("task must not be blank");
    }
    if (Objects.requireNonNull(template, "template").isBlank()) {
      throw new IllegalArgumentException("template must not be blank");
    }
  }
}
