package ru.dozvon.deals;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helpers: deal views and field maps written compactly in tables. */
final class Deals {

  static final Instant NOW = Instant.parse("2025-03-03T09:00:00Z");
  /** Every field the default funnel asks for, up to and including the won stage. */
  static final String ALL_FIELDS = "platform=site;niche=dental;source=yandex;budget=120000;contract=https://drive/1";

  private Deals() {
  }

  /** {@code "a=1;b=2"} as a map; a key with nothing after '=' maps to an empty string. */
  static Map<String, String> fields(String spec) {
    Map<String, String> map = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return map;
    }
    for (String pair : spec.split(";")) {
      int eq = pair.indexOf('=');
      map.put(pair.substring(0, eq).strip(), pair.substring(eq + 1));
    }
    return map;
  }

  static DealView open(String stage, String fieldSpec) {
    return new DealView(DealStatus.OPEN, stage, fields(fieldSpec), 0, null, NOW.minus(Duration.ofDays(1)),
        null, null);
  }

  /** An open deal with attempts made and the last contact {@code silentFor} before NOW. */
  static DealView silent(int attempts, Duration silentFor) {
    return new DealView(DealStatus.OPEN, "offer_sent", fields(ALL_FIELDS), attempts, NOW.minus(silentFor),
        NOW.minus(Duration.ofDays(200)), null, null);
  }

  static DealView closed(DealStatus status, Duration closedAgo) {
    return new DealView(status, "lost", fields("platform=site;niche=dental"), 4, NOW.minus(Duration.ofDays(90)),
        NOW.minus(Duration.ofDays(100)), NOW.minus(closedAgo), status == DealStatus.LOST ? "too_expensive" : null);
  }
}
