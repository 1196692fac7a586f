package ru.dozvon.deals;

import java.util.List;

/**
 * A funnel rule refused an operation. The pure rules return {@link Refusal} values; the service
 * layer turns one into this exception ({@code orThrow()} on a result) and the web failure handler
 * maps it to 409 Conflict with {@code code}, {@code message} and {@code missingFields} in the body.
 */
public final class FunnelRuleViolation extends RuntimeException {

  private final String code;
  private final List<String> missingFields;

  public FunnelRuleViolation(String code, String message, List<String> missingFields) {
    super(message);
    this.code = code;
    this.missingFields = List.copyOf(missingFields);
  }

  /** The stable rule code, e.g. {@code missing_fields}; see {@link FunnelRule#code()}. */
  public String code() {
    return code;
  }

  /** The input fields at fault; empty when the rule is about the deal's history. */
  public List<String> missingFields() {
    return missingFields;
  }
}
