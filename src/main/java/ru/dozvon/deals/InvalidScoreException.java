package ru.dozvon.deals;

/**
 * A qualification score that cannot be accepted. {@link #field()} names the input at fault
 * ({@code score.need}) so the web layer can answer 400 naming it.
 */
public final class InvalidScoreException extends IllegalArgumentException {

  private final String field;

  public InvalidScoreException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
