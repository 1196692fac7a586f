package ru.dozvon.telephony;

import java.time.Duration;
import java.util.Map;
import ru.dozvon.time.Durations;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach the PBX's Asterisk Manager Interface and how hard to hold on to it.
 *
 * @param connectTimeout    TCP connect, and each step of the login (greeting, Challenge, Login,
 *                          CoreSettings)
 * @param socketReadTimeout the reader gives up on a socket silent this long; keep it above
 *                          pingInterval + pingTimeout (pongs are input too)
 * @param pingInterval      pause between one pong and the next Ping
 * @param pingTimeout       a Ping unanswered this long means a dead (half-open) connection
 * @param reconnectMin      first reconnect delay; doubles per failed attempt
 * @param reconnectMax      cap of the reconnect delay (retries go on for ever)
 */
public record AmiSettings(
    String host,
    int port,
    String user,
    String secret,
    Duration connectTimeout,
    Duration socketReadTimeout,
    Duration pingInterval,
    Duration pingTimeout,
    Duration reconnectMin,
    Duration reconnectMax) {

  private static final Set<String> KEYS = Set.of("host", "port", "user", "secret", "connectTimeout",
      "socketReadTimeout", "pingInterval", "pingTimeout", "reconnectMin", "reconnectMax");

  public AmiSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(secret, "secret");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("ami.port: " + port + " is not a TCP port (expected 1..65535)");
    }
    positive("connectTimeout", connectTimeout);
    positive("socketReadTimeout", socketReadTimeout);
    positive("pingInterval", pingInterval);
    positive("pingTimeout", pingTimeout);
    positive("reconnectMin", reconnectMin);
    positive("reconnectMax", reconnectMax);
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException("ami.reconnectMax: " + reconnectMax
          + " is shorter than ami.reconnectMin " + reconnectMin + " (expected max >= min)");
    }
  }

  /** Production defaults for the timings: 5 s connect, 30 s read, ping every 10 s with 5 s to answer, 1 s..60 s backoff. */
  public static AmiSettings of(String host, int port, String user, String secret) {
    return new AmiSettings(host, port, user, secret, Duration.ofSeconds(5), Duration.ofSeconds(30),
        Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /**
   * Reads the {@code ami:} section as snakeyaml-engine loads it. Missing timing keys take the
   * defaults of {@link #of}; host, port, user and secret are required.
   *
   * @throws IllegalArgumentException naming the key path, the bad value and the expected form
   */
  public static AmiSettings fromYaml(Map<String, Object> section) {
    if (section == null) {
      throw new IllegalArgumentException("ami: section is missing (expected host, port, user, secret)");
    }
    for (String key : section.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("ami." + key + ": unknown key (expected one of " + KEYS + ")");
      }
    }
    AmiSettings d = of(text(section, "host"), port(section.get("port")), text(section, "user"), secretOf(section));
    return new AmiSettings(d.host, d.port, d.user, d.secret,
        duration(section, "connectTimeout", d.connectTimeout),
        duration(section, "socketReadTimeout", d.socketReadTimeout),
        duration(section, "pingInterval", d.pingInterval),
        duration(section, "pingTimeout", d.pingTimeout),
        duration(section, "reconnectMin", d.reconnectMin),
        duration(section, "reconnectMax", d.reconnectMax));
  }

  /** Parses {@code 200ms}, {@code 5s}, {@code 1m}, {@code 1h}. */
  static Duration parseDuration(String path, Object value) {
    try {
      if (value instanceof String s) {
        return Durations.parse(s);
      }
    } catch (IllegalArgumentException e) {
      // named below, with this section's form
    }
    throw new IllegalArgumentException(path + ": '" + value + "' is not a duration (expected e.g. 200ms, 5s, 1m, 1h)");
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "AmiSettings[host=" + host + ", port=" + port + ", user=" + user + ", secret=***"
        + ", connectTimeout=" + connectTimeout + ", socketReadTimeout=" + socketReadTimeout
        + ", pingInterval=" + pingInterval + ", pingTimeout=" + pingTimeout
        + ", reconnectMin=" + reconnectMin + ", reconnectMax=" + reconnectMax + "]";
  }

  private static String text(Map<String, Object> section, String key) {
    Object v = section.get(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("ami." + key + ": '" + v + "' is not a non-empty text");
    }
    return s.trim();
  }

  private static String secretOf(Map<String, Object> section) {
    Object v = section.get("secret");
    if (!(v instanceof String s) || s.isEmpty()) {
      // the value itself is never echoed: it is a secret
      throw new IllegalArgumentException("ami.secret: missing or not a text (expected the manager.conf secret, e.g. from DOZVON_AMI_SECRET)");
    }
    return s;
  }

  private static int port(Object v) {
    if (v instanceof Integer i && i >= 1 && i <= 65535) {
      return i;
    }
    throw new IllegalArgumentException("ami.port: '" + v + "' is not a TCP port (expected 1..65535, e.g. 5038)");
  }

  private static Duration duration(Map<String, Object> section, String key, Duration fallback) {
    Object v = section.get(key);
    return v == null ? fallback : parseDuration("ami." + key, v);
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("ami." + key + ": '" + d + "' is not a positive duration (expected e.g. 5s)");
    }
  }
}
