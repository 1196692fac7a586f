package ru.dozvon.deals;

import java.util.List;
import java.util.Objects;

/**
 * Why a funnel operation is not allowed: the broken rule, a message for people, and the input
 * fields at fault (empty when the rule is about the deal's history, not about what was typed).
 */
public record Refusal(FunnelRule rule, String message, List<String> missingFields) {

  public Refusal {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
    missingFields = List.copyOf(missingFields);
  }

  public static Refusal of(FunnelRule rule, String message) {
    return new Refusal(rule, message, List.of());
  }

  public String code() {
    return rule.code();
  }

  /** The exception form, for code that ends a chain with a failure the web layer maps to 409. */
  public FunnelRuleViolation toException() {
    return new FunnelRuleViolation(rule.code(), message, missingFields);
  }
}
