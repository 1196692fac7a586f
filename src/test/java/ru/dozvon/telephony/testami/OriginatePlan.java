package ru.dozvon.telephony.testami;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the test PBX answers one Originate, the way Asterisk 22 does: the action's Response ({@code Success},
 * "Originate successfully queued"), then the channel events of a captured click-to-call transcript rewritten for this
 * Originate, and the {@code OriginateResponse} carrying its ActionID, where the real PBX may put it: early (right
 * after the Response), as recorded, or late (after every event of the call, Hangups included). Or a refusal
 * ({@code Response: Error}).
 *
 * <p>Rewriting: every Uniqueid/Linkedid gets a fresh value (so the same transcript can be played again and again),
 * channel sequence numbers too; the operator's device of the transcript ({@code PJSIP/101},
 * {@code Local/101@operator-phone}) becomes the Originate's {@code Channel} and its extension the new one; the
 * customer's number becomes the Originate's {@code Exten}; timestamps are moved to now, keeping their spacing. The
 * Originate's {@code Variable}s are reported as {@code VarSet} events of the originated channel right after its
 * {@code Newchannel}, as Asterisk does when it sets them.
 *
 * @param transcript the call's events (null: none, only the OriginateResponse)
 * @param timing where the OriginateResponse goes
 * @param response {@code Success}/{@code Failure} to force on the OriginateResponse, or null to keep the recorded one
 * @param reason the reason to force, or null
 * @param refusal non-null: answer {@code Response: Error} with this message and send nothing else
 * @param hold a pause before the first Hangup (the conversation, a ringing phone), sent from a thread of its own
 */
public record OriginatePlan(Transcript transcript, Timing timing, String response, Integer reason, String refusal,
                            Duration hold) {

  /** Where the OriginateResponse goes among the call's events. */
  public enum Timing { EARLY, RECORDED, LATE }

  private static final AtomicLong IDS = new AtomicLong(1);
  private static final Pattern SEQUENCE = Pattern.compile("-([0-9a-fA-F]{8})(;[12])?$");
  private static final List<String> ID_KEYS = List.of("uniqueid", "linkedid", "destuniqueid", "destlinkedid");
  private static final List<String> DEVICE_KEYS = List.of("device", "interface", "stateinterface", "location");
  private static final List<String> NUMBER_KEYS = List.of("exten", "destexten", "calleridnum", "destcalleridnum",
      "connectedlinenum", "destconnectedlinenum");

  /** The transcript's events with its OriginateResponse where it was captured. */
  public static OriginatePlan of(String resource) {
    return new OriginatePlan(LOADED.computeIfAbsent(resource, Transcript::load), Timing.RECORDED, null, null, null,
        Duration.ZERO);
  }

  private static final Map<String, Transcript> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

  /** Only an OriginateResponse {@code Failure} with this reason, no channel at all (e.g. 0: an unregistered phone). */
  public static OriginatePlan failure(int reason) {
    return new OriginatePlan(null, Timing.RECORDED, "Failure", reason, null, Duration.ZERO);
  }

  /** {@code Response: Error} to the action itself. */
  public static OriginatePlan refused(String message) {
    return new OriginatePlan(null, Timing.RECORDED, null, null, message, Duration.ZERO);
  }

  public OriginatePlan early() {
    return new OriginatePlan(transcript, Timing.EARLY, response, reason, refusal, hold);
  }

  public OriginatePlan late() {
    return new OriginatePlan(transcript, Timing.LATE, response, reason, refusal, hold);
  }

  public OriginatePlan holding(Duration pause) {
    return new OriginatePlan(transcript, timing, response, reason, refusal, pause);
  }

  public OriginatePlan responding(String forcedResponse, int forcedReason) {
    return new OriginatePlan(transcript, timing, forcedResponse, forcedReason, refusal, hold);
  }

  /** The bytes to send after the Response, split where the hold goes (before the first Hangup). */
  List<byte[]> events(AmiMessage originate, long nowMicros) {
    String actionId = originate.actionId();
    String channel = originate.get("channel");
    String exten = originate.get("exten");
    List<List<String[]>> blocks = transcript == null ? new ArrayList<>() : parse(transcript);
    List<String[]> response = null;
    for (List<String[]> b : blocks) {
      if ("OriginateResponse".equals(get(b, "event"))) {
        response = b;
      }
    }
    blocks.remove(response);
    String oldDevice = null;
    String oldCustomer = response == null ? null : get(response, "exten");
    for (List<String[]> b : blocks) {
      if ("Newchannel".equals(get(b, "event")) && oldDevice == null) {
        oldDevice = SEQUENCE.matcher(get(b, "channel")).replaceFirst("");
      }
      if (oldCustomer == null && "click-to-call".equals(get(b, "context")) && get(b, "exten") != null
          && !"s".equals(get(b, "exten"))) {
        oldCustomer = get(b, "exten");
      }
    }
    String oldExt = extensionOf(oldDevice);
    String newExt = extensionOf(channel);
    Map<String, String> ids = new HashMap<>();
    Map<String, String> hex = new HashMap<>();
    long first = -1;
    for (List<String[]> b : blocks) {
      String ts = get(b, "timestamp");
      if (ts != null) {
        long t = micros(ts);
        first = first < 0 || t < first ? t : first;
      }
    }
    long shift = first < 0 ? 0 : nowMicros - first;
    List<List<String>> out = new ArrayList<>();
    boolean injected = false;
    for (List<String[]> b : blocks) {
      List<String[]> r = rewrite(b, ids, hex, oldDevice, channel, oldExt, newExt, oldCustomer, exten, shift);
      out.add(lines(r));
      if (!injected && "Newchannel".equals(get(r, "event"))) {
        injected = true;
        for (String v : originate.getAll("variable")) {
          int eq = v.indexOf('=');
          if (eq <= 0) {
            continue;
          }
          List<String> varSet = new ArrayList<>();
          varSet.add("Event: VarSet");
          varSet.add("Privilege: dialplan,all");
          if (get(r, "timestamp") != null) {
            varSet.add("Timestamp: " + format(micros(get(r, "timestamp")) + 1));
          }
          for (String key : List.of("Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "Context", "Exten",
              "Priority", "Uniqueid", "Linkedid")) {
            String value = get(r, key.toLowerCase(Locale.ROOT));
            if (value != null) {
              varSet.add(key + ": " + value);
            }
          }
          varSet.add("Variable: " + v.substring(0, eq));
          varSet.add("Value: " + v.substring(eq + 1));
          out.add(varSet);
        }
      }
    }
    List<String> ore = new ArrayList<>();
    ore.add("Event: OriginateResponse");
    ore.add("Privilege: call,all");
    ore.add("Timestamp: " + format(nowMicros + (long) out.size()));
    ore.add("ActionID: " + actionId);
    String recordedResponse = response == null ? "Success" : get(response, "response");
    String recordedReason = response == null ? "4" : get(response, "reason");
    ore.add("Response: " + (this.response != null ? this.response : recordedResponse));
    String uniqueid = response == null ? null : get(response, "uniqueid");
    String newUniqueid = uniqueid == null || "<unknown>".equals(uniqueid) ? "<unknown>" : ids.get(uniqueid);
    ore.add("Channel: " + (response == null ? channel : renameChannel(get(response, "channel"), hex, oldDevice,
        channel, oldCustomer, exten)));
    ore.add("Context: " + nullToEmpty(originate.get("context")));
    ore.add("Exten: " + nullToEmpty(exten));
    ore.add("Reason: " + (reason != null ? reason : recordedReason));
    ore.add("Uniqueid: " + (this.response != null && !"Success".equals(this.response) ? "<unknown>"
        : newUniqueid == null ? "<unknown>" : newUniqueid));
    ore.add("CallerIDNum: " + (newExt == null ? "<unknown>" : newExt));
    ore.add("CallerIDName: <unknown>");
    int at = switch (timing) {
      case EARLY -> 0;
      case LATE -> out.size();
      case RECORDED -> response == null ? out.size() : Math.min(out.size(), recordedPosition(blocks, response));
    };
    out.add(at, ore);
    int hangup = out.size();
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).get(0).equals("Event: Hangup")) {
        hangup = i;
        break;
      }
    }
    StringBuilder before = new StringBuilder();
    StringBuilder after = new StringBuilder();
    for (int i = 0; i < out.size(); i++) {
      StringBuilder sb = i < hangup ? before : after;
      for (String line : out.get(i)) {
        sb.append(line).append("\r\n");
      }
      sb.append("\r\n");
    }
    return List.of(before.toString().getBytes(StandardCharsets.ISO_8859_1),
        after.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The index among the other events where the recorded OriginateResponse stood. */
  private int recordedPosition(List<List<String[]>> without, List<String[]> response) {
    List<List<String[]>> all = parse(transcript);
    int pos = 0;
    for (List<String[]> b : all) {
      if ("OriginateResponse".equals(get(b, "event"))) {
        return pos;
      }
      pos++;
    }
    return without.size();
  }

  private static List<String[]> rewrite(List<String[]> block, Map<String, String> ids, Map<String, String> hex,
                                        String oldDevice, String newDevice, String oldExt, String newExt,
                                        String oldCustomer, String newCustomer, long shift) {
    List<String[]> out = new ArrayList<>(block.size());
    for (String[] kv : block) {
      String key = kv[0].toLowerCase(Locale.ROOT);
      String value = kv[1];
      if (ID_KEYS.contains(key) && value.matches("\\d+\\.\\d+")) {
        value = ids.computeIfAbsent(value, v -> (nowSeconds()) + "." + IDS.getAndIncrement());
      } else if (key.equals("timestamp")) {
        value = format(micros(value) + shift);
      } else if (DEVICE_KEYS.contains(key) && oldDevice != null && value.equalsIgnoreCase(oldDevice)) {
        value = newDevice; // DeviceStateChange, QueueMemberStatus about the operator's phone
      } else if (key.equals("channel") || key.equals("destchannel") || key.equals("value") && value.contains("/")) {
        value = renameChannel(value, hex, oldDevice, newDevice, oldCustomer, newCustomer);
      } else if (NUMBER_KEYS.contains(key)) {
        if (oldExt != null && value.equals(oldExt) && newExt != null) {
          value = newExt;
        } else if (oldCustomer != null && value.equals(oldCustomer)) {
          value = newCustomer;
        }
      } else if ((key.equals("dialstring") || key.equals("value")) && oldCustomer != null) {
        value = value.replace(oldCustomer, newCustomer);
      }
      out.add(new String[] {kv[0], value});
    }
    return out;
  }

  private static String renameChannel(String name, Map<String, String> hex, String oldDevice, String newDevice,
                                      String oldCustomer, String newCustomer) {
    if (name == null) {
      return null;
    }
    String n = name;
    if (oldDevice != null && newDevice != null && n.startsWith(oldDevice + "-")) {
      n = newDevice + n.substring(oldDevice.length());
    }
    if (oldCustomer != null) {
      n = n.replace(oldCustomer, newCustomer);
    }
    Matcher m = SEQUENCE.matcher(n);
    if (m.find()) {
      String fresh = hex.computeIfAbsent(m.group(1), h -> String.format(Locale.ROOT, "%08x", IDS.getAndIncrement()));
      n = n.substring(0, m.start()) + "-" + fresh + (m.group(2) == null ? "" : m.group(2));
    }
    return n;
  }

  /** {@code PJSIP/101} -> 101, {@code Local/101@operator-phone} -> 101. */
  static String extensionOf(String device) {
    if (device == null) {
      return null;
    }
    int slash = device.indexOf('/');
    String rest = slash < 0 ? device : device.substring(slash + 1);
    int at = rest.indexOf('@');
    return at < 0 ? rest : rest.substring(0, at);
  }

  private static List<List<String[]>> parse(Transcript t) {
    List<List<String[]>> blocks = new ArrayList<>();
    for (byte[] e : t.events()) {
      List<String[]> b = new ArrayList<>();
      for (String line : new String(e, StandardCharsets.ISO_8859_1).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          String value = line.substring(colon + 1);
          b.add(new String[] {line.substring(0, colon), value.startsWith(" ") ? value.substring(1) : value});
        }
      }
      if (!b.isEmpty() && !"FullyBooted".equals(get(b, "event"))) { // the capture's login, not the call
        blocks.add(b);
      }
    }
    return blocks;
  }

  private static List<String> lines(List<String[]> block) {
    List<String> out = new ArrayList<>(block.size());
    for (String[] kv : block) {
      out.add(kv[0] + ": " + kv[1]);
    }
    return out;
  }

  private static String get(List<String[]> block, String key) {
    for (String[] kv : block) {
      if (kv[0].equalsIgnoreCase(key)) {
        return kv[1];
      }
    }
    return null;
  }

  private static long micros(String ts) {
    String[] parts = ts.strip().split("\\.");
    long frac = parts.length > 1 ? Long.parseLong((parts[1] + "000000").substring(0, 6)) : 0;
    return Long.parseLong(parts[0]) * 1_000_000 + frac;
  }

  private static String format(long micros) {
    return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
