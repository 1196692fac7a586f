package ru.dozvon.phone;

/** A phone number that cannot be understood; the message says why, quoting the input. */
public final class InvalidPhoneNumberException extends IllegalArgumentException {

  private final String input;

  public InvalidPhoneNumberException(String input, String problem) {
    super("'" + (input == null ? "" : input) + "' " + problem);
    this.input = input;
  }

  public String input() {
    return input;
  }
}
