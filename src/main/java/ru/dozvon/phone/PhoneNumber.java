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
    if (!isE164(e164)) {
      throw new IllegalArgumentException("not an E.164 number: " + e164);
    }
  }

  /**
   * {@code \+[1-9][0-9]{6,14}}, checked by hand: every number read from the PBX or the database is made here, and
   * {@code String.matches} compiled the pattern each time (seen in the JFR profile at 500 calls a second).
   */
  private static boolean isE164(String s) {
    int n = s.length();
    if (n < 8 || n > 16 || s.charAt(0) != '+' || s.charAt(1) < '1' || s.charAt(1) > '9') {
      return false;
    }
    for (int i = 2; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  public boolean isMobile() {
    return kind == Kind.MOBILE;
  }

  @Override
  public String toString() {
    return e164;
  }
}
