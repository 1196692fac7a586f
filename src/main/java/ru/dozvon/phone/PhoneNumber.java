package ru.dozvon.phone;

import java.util.Objects;

/**
 * A customer's phone number in E.164 form ({@code +79161234567}), the one form Dozvon stores,
 * compares and dials. Make one with {@link PhoneNumbers#parse(String)}.
 *
 * @param e164 the number in E.164, with the leading {@code +}
 * @param kind what kind of line it is (mobile numbers have their own calling limits)
 */
public record PhoneNumber(String e164, Kind kind) {

  /** What kind of line a number is; libphonenumber tells them apart by numbering plan. */
  public enum Kind { MOBILE, FIXED_LINE, OTHER }

  public PhoneNumber {
    Objects.requireNonNull(e164, "e164");
    Objects.requireNonNull(kind, "kind");
    if (!e164.matches("\\+[1-9][0-9]{6,14}")) {
      throw new IllegalArgumentException("not an E.164 number: " + e164);
    }
  }

  public boolean isMobile() {
    return kind == Kind.MOBILE;
  }

  @Override
  public String toString() {
    return e164;
  }
}
