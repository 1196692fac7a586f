package ru.dozvon.signin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (BouncyCastle's {@link Argon2BytesGenerator}) as encoded PHC strings:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (base64 without padding). The defaults are OWASP's
 * (19 MiB, 2 passes, 1 lane); a stored hash is checked with the parameters written in it, so stronger settings
 * later still check old hashes. Blocking and CPU-bound (tens of milliseconds): callers run it off the event loop
 * ({@link Passwords}).
 */
public final class PasswordHasher {

  /** OWASP's minimum for Argon2id: m=19 MiB, t=2, p=1. */
  public static final PasswordHasher OWASP = new PasswordHasher(19 * 1024, 2, 1);

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{16,128})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final int memoryKiB;
  private final int iterations;
  private final int parallelism;

  public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /** A new hash with a random 16-byte salt. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] out = derive(password, salt, memoryKiB, iterations, parallelism, HASH_BYTES);
    return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(out);
  }

  /** Whether the password matches the encoded hash (compared in constant time); false for a malformed hash. */
  public boolean verify(String password, String encoded) {
    if (encoded == null) {
      return false;
    }
    Matcher m = PHC.matcher(encoded);
    if (!m.matches()) {
      return false;
    }
    int mem = Integer.parseInt(m.group(1));
    int t = Integer.parseInt(m.group(2));
    int p = Integer.parseInt(m.group(3));
    if (mem < 8 * p || mem > 1024 * 1024 || t < 1 || p < 1) {
      return false;
    }
    byte[] salt;
    byte[] expected;
    try {
      salt = B64D.decode(m.group(4));
      expected = B64D.decode(m.group(5));
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] actual = derive(password, salt, mem, t, p, expected.length);
    return MessageDigest.isEqual(actual, expected);
  }

  /** Whether a stored hash was made with weaker settings than these (it is re-hashed at the next sign-in). */
  public boolean weakerThanThis(String encoded) {
    Matcher m = encoded == null ? null : PHC.matcher(encoded);
    return m == null || !m.matches() || Integer.parseInt(m.group(1)) < memoryKiB
        || Integer.parseInt(m.group(2)) < iterations;
  }

  private static byte[] derive(String password, byte[] salt, int memoryKiB, int iterations, int parallelism, int len) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memoryKiB)
        .withIterations(iterations)
        .withParallelism(parallelism)
        .withSalt(salt)
        .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[len];
    gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
