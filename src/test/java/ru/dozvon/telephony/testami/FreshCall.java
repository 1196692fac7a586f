package ru.dozvon.telephony.testami;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A captured call played again as a new call, happening now: every Uniqueid/Linkedid gets a fresh epoch (the
 * tracker and the database see another call, not a duplicate), every channel its own sequence number, the caller's
 * number is replaced, and the events' {@code Timestamp}s are moved so that the last is at the given instant (the
 * call has just ended when it is played: its start lies before), keeping their spacing. The capture's own login
 * events are left out.
 *
 * <p>The timestamps matter: Asterisk stamps every event ({@code timestampevents=yes}) and Dozvon takes a call's start
 * and end from them, so a capture of 24 Nov replayed as is is a call of 24 Nov, not one of the test clock's "today".
 */
public final class FreshCall {

  private static final AtomicLong EPOCHS = new AtomicLong(System.currentTimeMillis() / 1000 + 10_000_000L);
  private static final AtomicLong SEQUENCES = new AtomicLong(0x100);
  private static final Pattern ID = Pattern.compile("(?m)^(Uniqueid|Linkedid|DestUniqueid|DestLinkedid): (\\d+)\\.(\\d+)(?=\r\n)");
  private static final Pattern CHANNEL = Pattern.compile("((?:PJSIP|SIP|Local)/[\\w@.+-]+?)-([0-9a-f]{8})");
  private static final Pattern TIMESTAMP = Pattern.compile("(?m)^Timestamp: (\\d+)\\.(\\d{6})(?=\r\n)");

  private FreshCall() {
  }

  /**
   * The transcript's call from {@code newCaller} (E.164, the {@code +} included) instead of {@code oldCaller},
   * ending at {@code at}.
   */
  public static byte[] of(String resource, String oldCaller, String newCaller, Instant at) {
    Transcript t = Transcript.load(resource);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < t.size(); i++) {
      String type = t.eventType(i);
      if (!type.equals("FullyBooted") && !type.equals("SuccessfulAuth")) {
        all.append(new String(t.events().get(i), StandardCharsets.ISO_8859_1));
      }
    }
    String text = all.toString().replace(oldCaller, newCaller);
    Map<String, String> epochs = new HashMap<>();
    text = replace(ID, text, m -> m.group(1) + ": "
        + epochs.computeIfAbsent(m.group(2), e -> Long.toString(EPOCHS.getAndIncrement())) + "." + m.group(3));
    Map<String, String> sequences = new HashMap<>();
    text = replace(CHANNEL, text, m -> m.group(1) + "-" + sequences.computeIfAbsent(m.group(2),
        s -> String.format(Locale.ROOT, "%08x", SEQUENCES.getAndIncrement())));
    Matcher stamps = TIMESTAMP.matcher(text);
    long last = -1;
    while (stamps.find()) {
      last = Math.max(last, Long.parseLong(stamps.group(1)) * 1_000_000L + Long.parseLong(stamps.group(2)));
    }
    if (last >= 0) {
      long shift = micros(at) - last;
      text = replace(TIMESTAMP, text, m -> {
        long v = Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2)) + shift;
        return String.format(Locale.ROOT, "Timestamp: %d.%06d", v / 1_000_000L, v % 1_000_000L);
      });
    }
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
  }

  private static String replace(Pattern p, String text, java.util.function.Function<Matcher, String> with) {
    Matcher m = p.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
