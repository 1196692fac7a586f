package ru.dozvon.model;

import java.util.List;

/**
 * A broken invariant: its label ({@code I3}), a short variant naming how it broke (so that different
 * bugs behind one invariant are reported, and shrunk, apart), what was seen, and the deals worth showing.
 *
 * @param invariant the invariant's label, as {@link Invariants} numbers them
 * @param variant how it broke, short and stable ({@code "no callback after a message"})
 * @param message what the model expected and what the service holds
 * @param dealIds deals whose rows, attempts, tasks, calls and history the report shows
 */
public record Violation(String invariant, String variant, String message, List<Long> dealIds) {

  public static Violation of(String invariant, String variant, String message, Long... deals) {
    return new Violation(invariant, variant, message, java.util.Arrays.stream(deals).filter(d -> d != null).toList());
  }

  /** What failures are grouped and shrunk by: {@code "I3: no callback after a message"}. */
  public String kind() {
    return invariant + (variant.isEmpty() ? "" : ": " + variant);
  }

  @Override
  public String toString() {
    return kind() + " -- " + message;
  }
}
