package ru.dozvon.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Optional;

/**
 * Normalises phone numbers as people and carriers write them into E.164, with libphonenumber.
 *
 * <p>Russian habits are understood with {@code RU} as the default region: {@code 8 916 123-45-67}
 * (trunk prefix 8), {@code +7 (916) 123 45 67}, {@code 79161234567} (country code without the plus,
 * as many carriers send it), {@code 9161234567} (national number alone). Numbers of other countries
 * need their {@code +} and country code. Anything that is not a valid number is refused.
 */
public final class PhoneNumbers {

  /** Caller numbers that mean "no number": withheld, unknown or anonymous callers. */
  private static final java.util.Set<String> WITHHELD =
      java.util.Set.of("", "<unknown>", "unknown", "anonymous", "restricted", "private", "unavailable");

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final String DEFAULT_REGION = "RU";
  private static final int MAX_INPUT_LENGTH = 64;
  // Compiled once: String.matches/replaceAll compile the pattern on every call (a hot path for AMI).
  private static final java.util.regex.Pattern ALLOWED = java.util.regex.Pattern.compile("[0-9+()\\-. \\u00a0]+");
  private static final java.util.regex.Pattern NON_DIGITS = java.util.regex.Pattern.compile("[^0-9]");

  private PhoneNumbers() {
  }

  /**
   * Parses a number written in any common form.
   *
   * @throws InvalidPhoneNumberException naming what is wrong with it
   */
  public static PhoneNumber parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidPhoneNumberException(raw, "is empty");
    }
    String text = raw.strip();
    if (text.length() > MAX_INPUT_LENGTH) {
      throw new InvalidPhoneNumberException(raw, "is longer than " + MAX_INPUT_LENGTH + " characters");
    }
    if (!ALLOWED.matcher(text).matches()) {
      throw new InvalidPhoneNumberException(raw, "may hold only digits, spaces, '+', '(', ')', '-' and '.'");
    }
    String digits = NON_DIGITS.matcher(text).replaceAll("");
    // Russian carriers and PBXs often send 7XXXXXXXXXX without the plus: 11 digits starting with 7.
    if (!text.startsWith("+") && digits.length() == 11 && digits.startsWith("7")) {
      text = "+" + digits;
    }
    Phonenumber.PhoneNumber parsed;
    try {
      parsed = UTIL.parse(text, DEFAULT_REGION);
    } catch (NumberParseException e) {
      throw new InvalidPhoneNumberException(raw, "is not a phone number");
    }
    if (!UTIL.isValidNumber(parsed)) {
      throw new InvalidPhoneNumberException(raw, "is not a valid number in any numbering plan");
    }
    return new PhoneNumber(UTIL.format(parsed, PhoneNumberFormat.E164), kindOf(UTIL.getNumberType(parsed)));
  }

  /** Parses, or empty when the input is not a valid number. */
  public static Optional<PhoneNumber> tryParse(String raw) {
    try {
      return Optional.of(parse(raw));
    } catch (InvalidPhoneNumberException e) {
      return Optional.empty();
    }
  }

  /**
   * True when a caller number means the caller is not identified (empty, {@code <unknown>},
   * {@code anonymous} and the like): such a call is recorded but never called back.
   */
  public static boolean isWithheld(String callerNum) {
    return callerNum == null || WITHHELD.contains(callerNum.strip().toLowerCase(java.util.Locale.ROOT));
  }

  private static PhoneNumber.Kind kindOf(PhoneNumberType type) {
    return switch (type) {
      case MOBILE -> PhoneNumber.Kind.MOBILE;
      case FIXED_LINE -> PhoneNumber.Kind.FIXED_LINE;
      // Some plans cannot tell the two apart; treat as mobile so the stricter limits apply.
      case FIXED_LINE_OR_MOBILE -> PhoneNumber.Kind.MOBILE;
      default -> PhoneNumber.Kind.OTHER;
    };
  }
}
