package ru.dozvon.errors;

/** Nothing by that id (or nothing the caller may see): HTTP 404. */
public final class NotFound extends DomainException {

  public NotFound(String what) {
    super(what + " not found");
  }

  @Override
  public String code() {
    return "not_found";
  }
}
