package ru.dozvon.intake;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Intake settings (the {@code intake} section): per-source secrets of the signed form webhooks, the
 * allowed clock skew of their timestamps, and how often the funnel jobs and the outbox run.
 *
 * @param webhookSecrets source -> secret; a source without a secret has no webhook
 * @param maxSkew timestamps older or newer than this are refused (5 min)
 * @param webhookMaxBodyBytes body limit of the webhook route
 * @param jobsEvery how often overdue tasks and silent deals are checked
 * @param outboxEvery how often the outbox is drained
 */
public record IntakeConfig(Map<String, String> webhookSecrets, Duration maxSkew, int webhookMaxBodyBytes,
                           Duration jobsEvery, Duration outboxEvery) {

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s|m|h)");

  public IntakeConfig {
    webhookSecrets = Map.copyOf(webhookSecrets);
  }

  public static IntakeConfig defaults() {
    return new IntakeConfig(Map.of(), Duration.ofMinutes(5), 65536, Duration.ofSeconds(30), Duration.ofSeconds(5));
  }

  public Optional<String> secret(String source) {
    return Optional.ofNullable(webhookSecrets.get(source));
  }

  /** Parses the section as snakeyaml-engine loads it; errors name the key path and never show a secret. */
  public static IntakeConfig fromMap(Map<String, Object> section) {
    IntakeConfig d = defaults();
    if (section == null) {
      return d;
    }
    for (String key : section.keySet()) {
      if (!java.util.Set.of("webhooks", "max_clock_skew", "webhook_max_body_bytes", "jobs_every", "outbox_every")
          .contains(key)) {
        throw new IllegalArgumentException("intake." + key + ": unknown key (expected webhooks, max_clock_skew, "
            + "webhook_max_body_bytes, jobs_every, outbox_every)");
      }
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    Object hooks = section.get("webhooks");
    if (hooks != null && !(hooks instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("intake.webhooks: '" + hooks + "' is not a mapping (expected source: {secret: ...})");
    }
    if (hooks instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String source = String.valueOf(e.getKey());
        String path = "intake.webhooks." + source;
        if (!Lead.SOURCES.contains(source)) {
          throw new IllegalArgumentException(path + ": '" + source + "' is not a lead source (expected one of "
              + new java.util.TreeSet<>(Lead.SOURCES) + ")");
        }
        if (!(e.getValue() instanceof Map<?, ?> hook)) {
          throw new IllegalArgumentException(path + ": not a mapping (expected secret: ...)");
        }
        Object secret = hook.get("secret");
        String s = secret == null ? "" : String.valueOf(secret).strip();
        if (s.isEmpty()) {
          continue;
        }
        if (s.length() < 16) {
          throw new IllegalArgumentException(path + ".secret: <hidden> is too short (expected at least 16 characters)");
        }
        secrets.put(source, s);
      }
    }
    return new IntakeConfig(secrets,
        duration(section, "max_clock_skew", d.maxSkew()),
        bytes(section, "webhook_max_body_bytes", d.webhookMaxBodyBytes()),
        duration(section, "jobs_every", d.jobsEvery()),
        duration(section, "outbox_every", d.outboxEvery()));
  }

  private static Duration duration(Map<String, Object> section, String key, Duration fallback) {
    Object v = section.get(key);
    if (v == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(String.valueOf(v).strip());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("intake." + key + ": '" + v + "' is not a duration (expected e.g. 500ms, 30s, 5m, 1h)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static int bytes(Map<String, Object> section, String key, int fallback) {
    Object v = section.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Integer n) || n < 1024 || n > 16 * 1024 * 1024) {
      throw new IllegalArgumentException("intake." + key + ": '" + v + "' is not a size (expected bytes 1024-16777216)");
    }
    return n;
  }

  @Override
  public String toString() {
    return "IntakeConfig[webhooks=" + webhookSecrets.keySet() + ", maxSkew=" + maxSkew + ", jobsEvery=" + jobsEvery
        + ", outboxEvery=" + outboxEvery + "]";
  }
}
