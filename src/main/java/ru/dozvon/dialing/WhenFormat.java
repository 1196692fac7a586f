package ru.dozvon.dialing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Local times in reasons: "Mon 10:00" within a week of the reference, else "Mon 12 Jan 10:00". */
final class WhenFormat {

  private static final DateTimeFormatter NEAR = DateTimeFormatter.ofPattern("EEE HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter FAR =
      DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);

  private WhenFormat() {
  }

  static String format(Instant t, Instant reference, ZoneId zone) {
    boolean near = Duration.between(reference, t).abs().compareTo(Duration.ofDays(6)) <= 0;
    return (near ? NEAR : FAR).format(t.atZone(zone));
  }
}
