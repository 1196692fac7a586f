package ru.dozvon.errors;

/** Bad input in a named field: HTTP 400. */
public final class InvalidInput extends DomainException {

  private final String field;

  public InvalidInput(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }

  @Override
  public String code() {
    return "invalid_input";
  }
}
