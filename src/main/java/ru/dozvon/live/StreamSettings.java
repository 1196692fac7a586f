package ru.dozvon.live;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import ru.dozvon.time.Durations;

/**
 * The live stream's replay buffer ({@code stream} section): the last {@code replayEvents} feed events, none older
 * than {@code replayMaxAge}, are kept in memory so that a browser reconnecting with {@code Last-Event-ID} gets what it
 * missed.
 */
public record StreamSettings(int replayEvents, Duration replayMaxAge) {

  public static final StreamSettings DEFAULT = new StreamSettings(10_000, Duration.ofMinutes(15));

  private static final List<String> KEYS = List.of("replay_events", "replay_max_age");

  public StreamSettings {
    if (replayEvents < 0 || replayEvents > 1_000_000) {
      throw new IllegalArgumentException("stream.replay_events: '" + replayEvents
          + "' is out of range (expected 0 to 1000000 events)");
    }
    if (replayMaxAge.isNegative() || replayMaxAge.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("stream.replay_max_age: '" + Durations.describe(replayMaxAge)
          + "' is out of range (expected 0s to 1d)");
    }
  }

  /** Parses the section as loaded; absent keys keep their defaults. */
  public static StreamSettings fromMap(Map<String, Object> section) {
    if (section == null || section.isEmpty()) {
      return DEFAULT;
    }
    for (String key : section.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("stream." + key + ": unknown key (expected one of " + String.join(", ", KEYS)
            + ")");
      }
    }
    int events = DEFAULT.replayEvents();
    Object e = section.get("replay_events");
    if (e != null && !(e instanceof String s && s.isBlank())) {
      try {
        events = Integer.parseInt(String.valueOf(e).strip());
      } catch (NumberFormatException x) {
        throw new IllegalArgumentException("stream.replay_events: '" + e + "' is not a whole number of events");
      }
    }
    Duration age = DEFAULT.replayMaxAge();
    Object a = section.get("replay_max_age");
    if (a != null && !(a instanceof String s && s.isBlank())) {
      try {
        age = Durations.parse(String.valueOf(a).strip());
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException("stream.replay_max_age: '" + a + "' is not a duration ("
            + Durations.EXPECTED + ")");
      }
    }
    return new StreamSettings(events, age);
  }
}
