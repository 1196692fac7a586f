package ru.dozvon.signin;

import java.util.Locale;
import ru.dozvon.errors.InvalidInput;

/** What a login and a password must be; each refusal names the field (a clear 400). */
public final class PasswordRules {

  public static final int MIN_PASSWORD = 8;
  public static final int MAX_PASSWORD = 128;
  /** The built-in admin's login; no manager may take it. */
  public static final String ADMIN_LOGIN = "admin";

  private PasswordRules() {
  }

  /** A login as stored: 3 to 64 of letters, digits and {@code . _ @ -}; not {@code admin}. */
  public static String login(String field, Object value) {
    if (!(value instanceof String s)) {
      throw new InvalidInput(field, "must be a string");
    }
    String t = s.strip();
    if (!t.matches("[A-Za-z0-9._@-]{3,64}")) {
      throw new InvalidInput(field, "must be 3 to 64 Latin letters, digits or . _ @ -");
    }
    if (key(t).equals(ADMIN_LOGIN)) {
      throw new InvalidInput(field, "'admin' is the built-in admin's login");
    }
    return t;
  }

  /** A new password: 8 to 128 characters, not blank. Never echoed back. */
  public static String password(String field, Object value) {
    if (!(value instanceof String s)) {
      throw new InvalidInput(field, "must be a string");
    }
    int length = s.codePointCount(0, s.length());
    if (length < MIN_PASSWORD || s.isBlank()) {
      throw new InvalidInput(field, "must be at least " + MIN_PASSWORD + " characters");
    }
    if (length > MAX_PASSWORD) {
      throw new InvalidInput(field, "must be at most " + MAX_PASSWORD + " characters");
    }
    return s;
  }

  /** The case-insensitive key of a login (lock-out, uniqueness). */
  public static String key(String login) {
    return login.strip().toLowerCase(Locale.ROOT);
  }
}
