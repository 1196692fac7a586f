package ru.dozvon.errors;

/** Authenticated, but this role or this person may not do that: HTTP 403. */
public final class Forbidden extends DomainException {

  private final String code;

  public Forbidden(String message) {
    this("forbidden", message);
  }

  /** With a code of its own, e.g. {@code csrf_token_invalid}. */
  public Forbidden(String code, String message) {
    super(message);
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }
}
