package ru.dozvon.telephony;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import ru.dozvon.time.Durations;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How {@link CallTracker} reads the PBX's dialplan. Section {@code telephony} of the configuration
 * (defaults in {@code config/application.yaml}).
 *
 * @param inboundContexts dialplan contexts where customers' calls enter (the trunk's context);
 *     a call whose first channel starts here is INBOUND
 * @param operatorContexts contexts of operators' phones; empty means "any context that is neither
 *     inbound nor outbound", which suits most dialplans
 * @param outboundContexts contexts that dial a customer on our behalf (click-to-call); a call that
 *     enters one is OUTBOUND and the Exten there is the customer's number
 * @param markerVariable channel variable the dialplan sets to mark how an unanswered inbound call
 *     ended: {@code AFTER_HOURS} or {@code VOICEMAIL}
 * @param idleTimeout a live call with no event for this long is closed and recorded as expired;
 *     must exceed the longest conversation, since a bridged call sends no events
 * @param recentEndedMemory how many ended linkedids are remembered so that late events (Cdr,
 *     OriginateResponse, stray Hangup) neither reopen nor duplicate a call
 * @param maxChannelsPerCall channels (and dial legs) followed per call (Linkedid); events of further channels of that
 *     call are dropped, logged and counted (a bound on memory for a runaway or forged Linkedid)
 * @param maxLiveCalls calls followed at once; past it the least recently active calls are closed as expired (and
 *     recorded, as the idle time-out would), logged and counted
 * @param maxLineBytes an AMI line (one header) longer than this is dropped whole as it is read (BoundedAmiSocket)
 * @param maxEventBytes an AMI event (or response) longer than this is cut there: its later headers are dropped
 * @param maxEventTypes different event names kept on one AMI connection; past it, events of a new name (none that
 *     Dozvon reads) are dropped whole
 */
public record TrackerSettings(Set<String> inboundContexts, Set<String> operatorContexts,
    Set<String> outboundContexts, String markerVariable, Duration idleTimeout,
    int recentEndedMemory, int maxChannelsPerCall, int maxLiveCalls, int maxLineBytes, int maxEventBytes,
    int maxEventTypes) {

  /** Default of {@link #maxChannelsPerCall()}: far above a ring-all queue of a hundred Local members. */
  public static final int DEFAULT_MAX_CHANNELS_PER_CALL = 1_000;
  /** Default of {@link #maxLiveCalls()}: far above the concurrent calls of one Asterisk. */
  public static final int DEFAULT_MAX_LIVE_CALLS = 20_000;
  /** Default of {@link #maxLineBytes()}: 64 KiB (Asterisk's longest headers are channel variables, a few KiB). */
  public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
  /** Default of {@link #maxEventBytes()}: 256 KiB (an Asterisk 22 event is a few KiB). */
  public static final int DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
  /** Default of {@link #maxEventTypes()}: Asterisk 22 has about 200 event types. */
  public static final int DEFAULT_MAX_EVENT_TYPES = 1_000;

  /** With the default caps. */
  public TrackerSettings(Set<String> inboundContexts, Set<String> operatorContexts, Set<String> outboundContexts,
      String markerVariable, Duration idleTimeout, int recentEndedMemory) {
    this(inboundContexts, operatorContexts, outboundContexts, markerVariable, idleTimeout, recentEndedMemory,
        DEFAULT_MAX_CHANNELS_PER_CALL, DEFAULT_MAX_LIVE_CALLS, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_EVENT_BYTES,
        DEFAULT_MAX_EVENT_TYPES);
  }

  /** Keys of the same section read by {@link OriginateSettings}. */
  private static final Set<String> PLACING_KEYS = Set.of("operator_dial", "company_caller_id", "originate",
      "cdr");

  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public TrackerSettings {
    inboundContexts = Set.copyOf(inboundContexts);
    operatorContexts = Set.copyOf(operatorContexts);
    outboundContexts = Set.copyOf(outboundContexts);
    if (inboundContexts.isEmpty()) {
      throw new IllegalArgumentException("telephony.inbound-contexts: must name at least one context");
    }
    if (markerVariable == null || !VARIABLE.matcher(markerVariable).matches()) {
      throw new IllegalArgumentException("telephony.marker-variable: '" + markerVariable
          + "' is not a channel variable name (expected e.g. DOZVON_OUTCOME)");
    }
    if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("telephony.idle-timeout: '" + idleTimeout
          + "' must be a positive duration (expected e.g. 4h)");
    }
    if (recentEndedMemory < 1) {
      throw new IllegalArgumentException("telephony.recent-ended-memory: '" + recentEndedMemory
          + "' must be a positive whole number (expected e.g. 10000)");
    }
    if (maxChannelsPerCall < 2) {
      throw new IllegalArgumentException("telephony.max-channels-per-call: '" + maxChannelsPerCall
          + "' must be a whole number of at least 2 (expected e.g. 1000)");
    }
    if (maxLiveCalls < 1) {
      throw new IllegalArgumentException("telephony.max-live-calls: '" + maxLiveCalls
          + "' must be a positive whole number (expected e.g. 20000)");
    }
    if (maxLineBytes < 1024) {
      throw new IllegalArgumentException("telephony.max-line-bytes: '" + maxLineBytes
          + "' must be a whole number of at least 1024 (expected e.g. 65536)");
    }
    if (maxEventBytes < maxLineBytes) {
      throw new IllegalArgumentException("telephony.max-event-bytes: '" + maxEventBytes
          + "' must be at least telephony.max-line-bytes (" + maxLineBytes + ") (expected e.g. 262144)");
    }
    if (maxEventTypes < 1) {
      throw new IllegalArgumentException("telephony.max-event-types: '" + maxEventTypes
          + "' must be a positive whole number (expected e.g. 1000)");
    }
  }

  /** The same settings with other caps. */
  public TrackerSettings withCaps(int maxChannelsPerCall, int maxLiveCalls) {
    return new TrackerSettings(inboundContexts, operatorContexts, outboundContexts, markerVariable, idleTimeout,
        recentEndedMemory, maxChannelsPerCall, maxLiveCalls, maxLineBytes, maxEventBytes, maxEventTypes);
  }

  /** The same settings with other bounds on the AMI input. */
  public TrackerSettings withInputCaps(int maxLineBytes, int maxEventBytes, int maxEventTypes) {
    return new TrackerSettings(inboundContexts, operatorContexts, outboundContexts, markerVariable, idleTimeout,
        recentEndedMemory, maxChannelsPerCall, maxLiveCalls, maxLineBytes, maxEventBytes, maxEventTypes);
  }

  /** The defaults, matching {@code config/application.yaml}. */
  public static TrackerSettings defaults() {
    return new TrackerSettings(Set.of("from-trunk", "from-pstn"), Set.of(), Set.of("click-to-call"),
        "DOZVON_OUTCOME", Duration.ofHours(4), 10_000);
  }

  /**
   * Reads the {@code telephony} section as snakeyaml-engine loads it; absent keys keep their
   * defaults. Context lists may be YAML lists or comma-separated strings (as environment variables
   * such as {@code DOZVON_INBOUND_CONTEXTS} give them).
   *
   * @param section the section's map, or null for all defaults
   * @throws IllegalArgumentException naming the key path, the bad value and the expected form
   */
  public static TrackerSettings fromMap(Map<String, Object> section) {
    TrackerSettings d = defaults();
    if (section == null) {
      return d;
    }
    for (String key : section.keySet()) {
      if (PLACING_KEYS.contains(key) || key.equals("journal")) {
        continue; // how calls are placed: OriginateSettings; the journal: JournalSettings; cdr: CdrSettings
      }
      if (!List.of("inbound-contexts", "operator-contexts", "outbound-contexts", "marker-variable",
          "idle-timeout", "recent-ended-memory", "max-channels-per-call", "max-live-calls", "max-line-bytes", "max-event-bytes",
          "max-event-types").contains(key) && !PhoneSettings.KEYS.contains(key)) {
        throw new IllegalArgumentException("telephony." + key + ": unknown key (expected one of "
            + "inbound-contexts, operator-contexts, outbound-contexts, marker-variable, idle-timeout, "
            + "recent-ended-memory, max-channels-per-call, max-live-calls, max-line-bytes, max-event-bytes, max-event-types, company_caller_id, originate, journal, cdr, "
            + String.join(", ", PhoneSettings.KEYS) + ")");
      }
    }
    return new TrackerSettings(
        contexts(section, "inbound-contexts", d.inboundContexts()),
        contexts(section, "operator-contexts", d.operatorContexts()),
        contexts(section, "outbound-contexts", d.outboundContexts()),
        section.containsKey("marker-variable")
            ? string(section.get("marker-variable"), "marker-variable") : d.markerVariable(),
        section.containsKey("idle-timeout")
            ? duration(section.get("idle-timeout"), "telephony.idle-timeout") : d.idleTimeout(),
        section.containsKey("recent-ended-memory")
            ? positiveInt(section.get("recent-ended-memory"), "telephony.recent-ended-memory")
            : d.recentEndedMemory(),
        section.containsKey("max-channels-per-call")
            ? positiveInt(section.get("max-channels-per-call"), "telephony.max-channels-per-call")
            : d.maxChannelsPerCall(),
        section.containsKey("max-live-calls")
            ? positiveInt(section.get("max-live-calls"), "telephony.max-live-calls") : d.maxLiveCalls(),
        section.containsKey("max-line-bytes")
            ? positiveInt(section.get("max-line-bytes"), "telephony.max-line-bytes") : d.maxLineBytes(),
        section.containsKey("max-event-bytes")
            ? positiveInt(section.get("max-event-bytes"), "telephony.max-event-bytes") : d.maxEventBytes(),
        section.containsKey("max-event-types")
            ? positiveInt(section.get("max-event-types"), "telephony.max-event-types") : d.maxEventTypes());
  }

  /** Parses {@code 90s}, {@code 30m}, {@code 4h}, {@code 1d}, {@code 500ms}, or a number of seconds. */
  static Duration duration(Object value, String path) {
    if (value instanceof Integer || value instanceof Long) {
      long seconds = ((Number) value).longValue();
      if (seconds > 0) {
        return Duration.ofSeconds(seconds);
      }
    } else if (value instanceof String s) {
      Duration result;
      try {
        result = Durations.parse(s);
      } catch (IllegalArgumentException e) {
        result = Duration.ZERO;
      }
      if (!result.isZero()) {
        return result;
      }
    }
    throw new IllegalArgumentException(path + ": '" + value
        + "' is not a positive duration (expected e.g. 90s, 30m, 4h, 1d)");
  }

  private static Set<String> contexts(Map<String, Object> section, String key, Set<String> dflt) {
    if (!section.containsKey(key)) {
      return dflt;
    }
    Object value = section.get(key);
    List<Object> items = new ArrayList<>();
    if (value instanceof List<?> list) {
      items.addAll(list);
    } else if (value instanceof String s) {
      if (!s.isBlank()) {
        items.addAll(List.of((Object[]) s.split(",")));
      }
    } else if (value != null) {
      throw new IllegalArgumentException("telephony." + key + ": '" + value
          + "' is not a list of dialplan contexts (expected e.g. [from-trunk, from-pstn])");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      String path = "telephony." + key + "[" + i + "]";
      String name = item instanceof String s ? s.strip() : null;
      if (name == null || !name.matches("[A-Za-z0-9_+.\\-]+")) {
        throw new IllegalArgumentException(path + ": '" + item
            + "' is not a dialplan context name (expected e.g. from-trunk)");
      }
      out.add(name);
    }
    return out;
  }

  private static String string(Object value, String key) {
    if (value instanceof String s && !s.isBlank()) {
      return s.strip();
    }
    throw new IllegalArgumentException("telephony." + key + ": '" + value
        + "' is not a channel variable name (expected e.g. DOZVON_OUTCOME)");
  }

  private static int positiveInt(Object value, String path) {
    if (value instanceof Integer i && i > 0) {
      return i;
    }
    throw new IllegalArgumentException(path + ": '" + value
        + "' is not a positive whole number (expected e.g. 10000)");
  }
}
