package ru.dozvon.errors;

import java.util.List;

/**
 * A business rule refuses the change (a stage without its required fields, a loss without a
 * reason, a duplicate): HTTP 409, naming the rule and what is missing.
 */
public final class RuleViolation extends DomainException {

  private final String rule;
  private final List<String> missing;

  public RuleViolation(String rule, String message) {
    this(rule, message, List.of());
  }

  public RuleViolation(String rule, String message, List<String> missing) {
    super(message);
    this.rule = rule;
    this.missing = List.copyOf(missing);
  }

  public String rule() {
    return rule;
  }

  public List<String> missing() {
    return missing;
  }

  @Override
  public String code() {
    return "rule_violation";
  }
}
