package ru.dozvon.intake;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature scheme of webhooks, both ways: {@code X-Dozvon-Timestamp: <unix seconds>} and
 * {@code X-Dozvon-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">}. Signing the
 * timestamp with the body stops an old request from being replayed with a fresh timestamp.
 */
public final class WebhookSignature {

  public static final String TIMESTAMP_HEADER = "X-Dozvon-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Dozvon-Signature";
  private static final String PREFIX = "sha256=";

  /** Why a signed request is refused; {@link #OK} when it is not. */
  public enum Verdict {
    OK, MISSING_HEADERS, MALFORMED_TIMESTAMP, STALE_TIMESTAMP, BAD_SIGNATURE
  }

  private WebhookSignature() {
  }

  /** The header value for a body signed at {@code timestamp} (unix seconds). */
  public static String sign(String secret, long timestamp, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmac(secret, timestamp, body));
  }

  /**
   * Checks a request: both headers present, the timestamp within {@code maxSkew} of {@code now}
   * either way, and the signature right (compared in constant time).
   */
  public static Verdict verify(String secret, String timestampHeader, String signatureHeader, byte[] body,
                               Instant now, Duration maxSkew) {
    Objects.requireNonNull(secret, "secret");
    if (timestampHeader == null || signatureHeader == null) {
      return Verdict.MISSING_HEADERS;
    }
    String ts = timestampHeader.strip();
    if (!ts.matches("[0-9]{1,12}")) {
      return Verdict.MALFORMED_TIMESTAMP;
    }
    long seconds = Long.parseLong(ts);
    if (Math.abs(now.getEpochSecond() - seconds) > maxSkew.toSeconds()) {
      return Verdict.STALE_TIMESTAMP;
    }
    String sig = signatureHeader.strip();
    if (!sig.startsWith(PREFIX) || !sig.substring(PREFIX.length()).matches("[0-9a-fA-F]{64}")) {
      return Verdict.BAD_SIGNATURE;
    }
    byte[] given = HexFormat.of().parseHex(sig.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT));
    return MessageDigest.isEqual(given, hmac(secret, seconds, body)) ? Verdict.OK : Verdict.BAD_SIGNATURE;
  }

  private static byte[] hmac(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
