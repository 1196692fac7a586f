package ru.dozvon.errors;

/** No valid bearer token: HTTP 401. */
public final class Unauthorized extends DomainException {

  public Unauthorized(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "unauthorized";
  }
}
