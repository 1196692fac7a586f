package ru.dozvon.errors;

/** Authenticated, but this role or this person may not do that: HTTP 403. */
public final class Forbidden extends DomainException {

  public Forbidden(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "forbidden";
  }
}
