package ru.dozvon.telephony;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The write-ahead journal of ended calls ({@link EndedCallJournal}) and the bound on calls held in memory while the
 * database is away: the {@code telephony.journal} section of {@code config/application.yaml}.
 *
 * @param enabled {@code telephony.journal.enabled} ({@code DOZVON_JOURNAL}): every ended call is written to the
 *     journal as it goes to the database (side by side); false: only calls the database failed are kept on disk (the
 *     unrecorded-calls file), so a crash loses the calls whose write was in flight
 * @param fsyncEvery {@code telephony.journal.fsync} ({@code DOZVON_JOURNAL_FSYNC}): {@code batch} (zero here): a
 *     group of calls is fsynced together, side by side with their database write, so not even a power cut loses a call the
 *     PBX reported; a duration ({@code 1s}): calls go to the database once written to the OS (a process kill loses
 *     none), fsynced every that long (a power cut may lose that long of calls)
 * @param segmentBytes {@code telephony.journal.segment_size}: a segment file is closed and a new one started past
 *     this size; a closed segment whose calls are all stored is deleted
 * @param maxBytes {@code telephony.journal.max_size} ({@code DOZVON_JOURNAL_MAX_SIZE}): the journal's size on
 *     disk at most; beyond it calls go to the database without write-ahead, and {@code /health} says DEGRADED
 * @param maxBufferedCalls {@code telephony.journal.max_buffered_calls} ({@code DOZVON_MAX_BUFFERED_CALLS}): ended
 *     calls the database failed held in memory for retry at most; beyond, they are kept in the journal only and
 *     read back from it once the calls in memory are stored
 */
public record JournalSettings(boolean enabled, Duration fsyncEvery, long segmentBytes, long maxBytes,
                              int maxBufferedCalls) {

  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);
  private static final List<String> KEYS = List.of("enabled", "fsync", "segment_size", "max_size",
      "max_buffered_calls");

  public JournalSettings {
    if (fsyncEvery == null || fsyncEvery.isNegative() || fsyncEvery.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("telephony.journal.fsync: '" + fsyncEvery
          + "' is out of range (expected batch, or a duration from 10ms to 1m)");
    }
    if (segmentBytes < 64 * 1024 || segmentBytes > (1L << 30)) {
      throw new IllegalArgumentException("telephony.journal.segment_size: '" + segmentBytes
          + "' is out of range (expected 64KB to 1GB)");
    }
    if (maxBytes < 2 * segmentBytes) {
      throw new IllegalArgumentException("telephony.journal.max_size: '" + maxBytes
          + "' is less than twice telephony.journal.segment_size (" + segmentBytes + " bytes)");
    }
    if (maxBufferedCalls < 1 || maxBufferedCalls > 1_000_000) {
      throw new IllegalArgumentException("telephony.journal.max_buffered_calls: '" + maxBufferedCalls
          + "' is out of range (expected 1 to 1000000)");
    }
  }

  /** The defaults, as in {@code config/application.yaml}: on, fsync per batch, 16 MB segments, 1 GB, 10,000 calls. */
  public static JournalSettings defaults() {
    return new JournalSettings(true, Duration.ZERO, 16L << 20, 1L << 30, 10_000);
  }

  /** Whether each group is fsynced before its calls go to the database. */
  public boolean fsyncPerBatch() {
    return fsyncEvery.isZero();
  }

  /** A copy with another bound on calls in memory (tests, drills). */
  public JournalSettings withMaxBufferedCalls(int max) {
    return new JournalSettings(enabled, fsyncEvery, segmentBytes, maxBytes, max);
  }

  /** A copy with other size limits (tests, drills). */
  public JournalSettings withSizes(long segment, long max) {
    return new JournalSettings(enabled, fsyncEvery, segment, max, maxBufferedCalls);
  }

  /**
   * Reads {@code telephony.journal}; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException naming the key path, the bad value and the expected form
   */
  @SuppressWarnings("unchecked")
  public static JournalSettings fromMap(Map<String, Object> telephony) {
    JournalSettings d = defaults();
    Object o = telephony == null ? null : telephony.get("journal");
    if (o == null) {
      return d;
    }
    if (!(o instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("telephony.journal: '" + o + "' is not a section (expected " + KEYS + ")");
    }
    Map<String, Object> s = (Map<String, Object>) m;
    for (String key : s.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("telephony.journal." + key + ": unknown key (expected one of "
            + String.join(", ", KEYS) + ")");
      }
    }
    boolean enabled = d.enabled();
    Object e = s.get("enabled");
    if (e != null) {
      String v = String.valueOf(e).strip().toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw new IllegalArgumentException("telephony.journal.enabled: '" + e + "' is not a boolean (expected true"
            + " or false)");
      }
      enabled = v.equals("true");
    }
    Duration fsync = d.fsyncEvery();
    Object f = s.get("fsync");
    if (f != null) {
      fsync = "batch".equalsIgnoreCase(String.valueOf(f).strip()) ? Duration.ZERO : fsyncInterval(f);
    }
    int buffered = d.maxBufferedCalls();
    Object b = s.get("max_buffered_calls");
    if (b != null) {
      try {
        buffered = Integer.parseInt(String.valueOf(b).strip().replace("_", ""));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("telephony.journal.max_buffered_calls: '" + b
            + "' is not a whole number (expected 1 to 1000000)");
      }
    }
    return new JournalSettings(enabled, fsync, size(s, "segment_size", d.segmentBytes()),
        size(s, "max_size", d.maxBytes()), buffered);
  }

  private static Duration fsyncInterval(Object f) {
    Duration every;
    try {
      every = TrackerSettings.duration(f, "telephony.journal.fsync");
    } catch (IllegalArgumentException ex) {
      every = null;
    }
    if (every == null || every.toMillis() < 10 || every.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("telephony.journal.fsync: '" + f
          + "' is not batch or a duration from 10ms to 1m (expected e.g. batch, 200ms, 1s)");
    }
    return every;
  }

  private static long size(Map<String, Object> s, String key, long dflt) {
    Object v = s.get(key);
    if (v == null) {
      return dflt;
    }
    Matcher m = SIZE.matcher(String.valueOf(v).strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("telephony.journal." + key + ": '" + v
          + "' is not a size (expected bytes or e.g. 16MB, 1GB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    return switch (unit) {
      case "KB" -> n << 10;
      case "MB" -> n << 20;
      case "GB" -> n << 30;
      default -> n;
    };
  }
}
