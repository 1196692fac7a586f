package ru.dozvon.intake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import ru.dozvon.deals.DealFields;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.phone.InvalidPhoneNumberException;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.phone.PhoneNumbers;

/**
 * One incoming request from a form, chat, email, messenger or typed in by hand, checked: a valid
 * phone (E.164) or email or both, and the original fields kept as they came.
 *
 * @param phone null when only an email came
 * @param email in its one canonical spelling ({@link #canonicalEmail}); null when only a phone came
 * @param fields every field that came with the request (UTM tags, form fields, transcript reference)
 */
public record Lead(String source, PhoneNumber phone, String email, String name, JsonObject fields) {

  /** Where leads may come from through intake (calls come through the PBX). */
  public static final Set<String> SOURCES = Set.of("web_form", "chat", "email", "messenger", "manual");
  /** The body fields of a lead. */
  public static final Set<String> BODY_FIELDS = Set.of("source", "phone", "email", "name", "fields");

  // Deliberately plain: one @, no spaces, a dot in the domain; deliverability is the mail server's business.
  private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>()\\[\\],;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}"
      + "[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+");

  public Lead {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(fields, "fields");
    if (phone == null && email == null) {
      throw new IllegalArgumentException("a lead needs a phone or an email");
    }
  }

  /**
   * Checks a request body; every refusal is an {@link InvalidInput} naming the field.
   *
   * @param fixedSource the source given by the route (a signed form hook), or null to read {@code source}
   */
  public static Lead parse(JsonObject body, String fixedSource) {
    String source = text(body, "source", 20);
    if (fixedSource != null) {
      if (source != null && !source.equals(fixedSource)) {
        throw new InvalidInput("source", "'" + source + "' differs from the hook's source '" + fixedSource + "'");
      }
      source = fixedSource;
    }
    if (source == null) {
      throw new InvalidInput("source", "is required (one of " + new java.util.TreeSet<>(SOURCES) + ")");
    }
    if (!SOURCES.contains(source)) {
      throw new InvalidInput("source", "'" + source + "' is not one of " + new java.util.TreeSet<>(SOURCES));
    }
    String rawPhone = text(body, "phone", 40);
    PhoneNumber phone = null;
    if (rawPhone != null) {
      if (PhoneNumbers.isWithheld(rawPhone)) {
        throw new InvalidInput("phone", "'" + rawPhone + "' is a withheld number, not a phone to call back");
      }
      try {
        phone = PhoneNumbers.parse(rawPhone);
      } catch (InvalidPhoneNumberException e) {
        throw new InvalidInput("phone", e.getMessage());
      }
    }
    String email = text(body, "email", 254);
    if (email != null) {
      email = canonicalEmail(email);
    }
    if (phone == null && email == null) {
      throw new InvalidInput("phone", "a phone or an email is required");
    }
    String name = text(body, "name", 200);
    JsonObject fields = DealFields.check(body.getValue("fields"), "fields");
    return new Lead(source, phone, email, name, fields);
  }

  /**
   * The one spelling an address is stored and matched by: lower case, and the domain in its ASCII form
   * (IDNA, as DNS and mail servers see it), so that {@code Клиент@Пример.РФ} and
   * {@code клиент@xn--e1afmkfd.xn--p1ai} are one contact. ASCII rather than Unicode because addresses
   * stored before international domains were accepted are in it already (a punycode domain always was).
   * The local part has no ASCII form; it is kept as written, lower-cased.
   */
  static String canonicalEmail(String raw) {
    int at = raw.lastIndexOf('@');
    String domain;
    try {
      domain = at < 0 ? "" : IDN.toASCII(raw.substring(at + 1), IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      domain = "";
    }
    String email = (at < 0 ? raw : raw.substring(0, at + 1) + domain).toLowerCase(Locale.ROOT);
    if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
      throw new InvalidInput("email", "'" + raw + "' is not an email address such as name@example.ru or имя@пример.рф");
    }
    return email;
  }

  /**
   * SHA-256 (hex) of the lead in a canonical form: its source and what was parsed from the body, field
   * names sorted. Two requests under one Idempotency-Key are the same request when this is equal; spelling
   * differences that parse to the same lead (a phone's format, an email's case, key order) do not count.
   */
  public String fingerprint() {
    JsonArray canonical = new JsonArray().add(source).add(phone == null ? null : phone.e164()).add(email).add(name)
        .add(new JsonObject(new TreeMap<>(fields.getMap())));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.encode().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** An optional string: absent, null or blank is none; anything else must be a string up to {@code max}. */
  private static String text(JsonObject body, String field, int max) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new InvalidInput(field, "must be a string");
    }
    String t = s.strip();
    if (t.isEmpty()) {
      return null;
    }
    if (t.length() > max) {
      throw new InvalidInput(field, "must be at most " + max + " characters");
    }
    return t;
  }

  /** The lead as stored in history: what came, normalised. */
  public JsonObject toJson() {
    return new JsonObject().put("source", source).put("phone", phone == null ? null : phone.e164())
        .put("email", email).put("name", name).put("fields", fields);
  }
}
