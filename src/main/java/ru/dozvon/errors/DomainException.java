package ru.dozvon.errors;

/**
 * A failure the caller can act on. The web edge maps each kind to one HTTP status in one place
 * ({@code ru.dozvon.web.Failures}); the message is safe to show.
 */
public abstract sealed class DomainException extends RuntimeException
    permits InvalidInput, NotFound, RuleViolation, Forbidden, Unauthorized, IdempotencyKeyReused {

  protected DomainException(String message) {
    super(message, null, false, false);
  }

  /** A short stable machine-readable code, e.g. {@code invalid_input}. */
  public abstract String code();
}
