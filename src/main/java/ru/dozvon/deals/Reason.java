package ru.dozvon.deals;

import java.util.Objects;
import java.util.Optional;

/**
 * A reason from one of the funnel's lists: why a deal was lost, why it was won ("why did they
 * buy"), or why a request is invalid. The code is stable and goes to reports; the name is what
 * people pick from.
 *
 * @param code stable identifier ({@code no_answer})
 * @param name Russian label («не отвечает»)
 * @param guard for loss reasons meaning "silent customer": what must be true before closing with it
 */
public record Reason(String code, String name, Optional<ContactGuard> guard) {

  public Reason {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(guard, "guard");
  }

  /** A reason without a guard. */
  public static Reason of(String code, String name) {
    return new Reason(code, name, Optional.empty());
  }
}
