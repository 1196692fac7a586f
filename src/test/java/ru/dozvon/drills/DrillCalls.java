package ru.dozvon.drills;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ru.dozvon.telephony.testami.Transcript;

/**
 * Many different calls from one real Asterisk 22 transcript ({@code ami/pjsip/missed.ami} or {@code answered.ami}):
 * call {@code k} has its Linkedid/Uniqueid epoch, its channel names and its caller's number rewritten, so that every
 * call is its own call from its own customer (and a missed one its own deal). Events are kept whole, in the order
 * the PBX sent them; {@link #beforeEnd} and {@link #fromEnd} split a call where its first Hangup is.
 */
final class DrillCalls {

  private static final Pattern LINKEDID = Pattern.compile("\r\nLinkedid: (\\d{6,})\\.\\d+\r\n");
  private static final Pattern CALLER = Pattern.compile("\r\nCallerIDNum: \\+(\\d{11})\r\n");
  private static final Pattern CHANNEL = Pattern.compile("(PJSIP/[\\w-]+?)-0000000([0-9a-f])");

  private final List<String> events = new ArrayList<>();
  private final String epoch;
  private final String caller;
  private final int firstHangup;
  /** Distinguishes the numbers of two DrillCalls in one drill (missed and answered calls of one run). */
  private final int series;
  private final String linkedSuffix;
  private final String trunkLeg;

  DrillCalls(String resource, int series) {
    Transcript t = Transcript.load(resource);
    int hangup = -1;
    for (int i = 0; i < t.size(); i++) {
      String type = t.eventType(i);
      if (type.equals("FullyBooted") || type.equals("SuccessfulAuth")) {
        continue; // the capture's own login, not part of the call
      }
      if (hangup < 0 && type.equals("Hangup")) {
        hangup = events.size();
      }
      events.add(new String(t.events().get(i), StandardCharsets.ISO_8859_1));
    }
    String all = String.join("", events);
    Matcher l = LINKEDID.matcher(all);
    Matcher c = CALLER.matcher(all);
    if (!l.find() || !c.find() || hangup < 0) {
      throw new IllegalArgumentException(resource + ": no Linkedid, caller number or Hangup to rewrite");
    }
    this.epoch = l.group(1);
    Matcher full = Pattern.compile("\r\nLinkedid: \\d+(\\.\\d+)\r\n").matcher(all);
    full.find();
    this.linkedSuffix = full.group(1);
    this.caller = c.group(1);
    this.firstHangup = hangup;
    this.series = series;
    Matcher trunk = Pattern.compile("PJSIP/pstn-trunk-0000000([0-9a-f])").matcher(all);
    trunk.find();
    this.trunkLeg = trunk.group(1);
  }

  /** The PBX call id of call {@code k} (its Linkedid). */
  String linkedid(int k) {
    return id(k) + linkedSuffix;
  }

  /** The caller number of call {@code k}, E.164. */
  String phone(int k) {
    return "+7" + numberOf(k);
  }

  /** The uniqueid of the trunk (customer) channel of call {@code k}, as the resync lists it. */
  String trunkUniqueid(int k) {
    return linkedid(k);
  }

  /** The trunk channel name of call {@code k}. */
  String trunkChannel(int k) {
    return "PJSIP/pstn-trunk-" + channelSuffix(k, trunkLeg);
  }

  /** The whole call. */
  String call(int k) {
    return rewrite(k, String.join("", events));
  }

  /** The events before its first Hangup (the call rings). */
  String beforeEnd(int k) {
    return rewrite(k, String.join("", events.subList(0, firstHangup)));
  }

  /** The events from its first Hangup on. */
  String fromEnd(int k) {
    return rewrite(k, String.join("", events.subList(firstHangup, events.size())));
  }

  /** The events before the first event of {@code type} (e.g. the call rings while its DialEnd is to come). */
  String before(int k, String type) {
    return rewrite(k, String.join("", events.subList(0, indexOf(type))));
  }

  /** The events from the first event of {@code type} on. */
  String from(int k, String type) {
    return rewrite(k, String.join("", events.subList(indexOf(type), events.size())));
  }

  /**
   * The channels of call {@code k} alive just before the first event of {@code type}, as the PBX's CoreShowChannels
   * lists them (fields of a CoreShowChannel event): created, not hung up; in the bridge they entered and did not leave.
   */
  List<java.util.Map<String, String>> liveBefore(int k, String type) {
    java.util.Map<String, java.util.Map<String, String>> live = new java.util.LinkedHashMap<>();
    for (String event : rewrite(k, String.join("", events.subList(0, indexOf(type)))).split("\r\n\r\n")) {
      java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
      for (String line : event.split("\r\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          f.putIfAbsent(line.substring(0, colon), line.substring(colon + 2));
        }
      }
      String uid = f.get("Uniqueid");
      switch (f.getOrDefault("Event", "")) {
        case "Newchannel" -> {
          java.util.Map<String, String> ch = new java.util.LinkedHashMap<>();
          for (String key : List.of("Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
              "Context", "Exten", "Priority", "Uniqueid", "Linkedid")) {
            ch.put(key, f.getOrDefault(key, ""));
          }
          ch.put("Application", "Dial");
          ch.put("Duration", "00:00:05");
          ch.put("BridgeId", "");
          live.put(uid, ch);
        }
        case "Newstate" -> {
          if (live.containsKey(uid)) {
            live.get(uid).put("ChannelState", f.getOrDefault("ChannelState", ""));
            live.get(uid).put("ChannelStateDesc", f.getOrDefault("ChannelStateDesc", ""));
          }
        }
        case "BridgeEnter" -> {
          if (live.containsKey(uid)) {
            live.get(uid).put("BridgeId", f.getOrDefault("BridgeUniqueid", ""));
          }
        }
        case "BridgeLeave" -> {
          if (live.containsKey(uid)) {
            live.get(uid).put("BridgeId", "");
          }
        }
        case "Hangup" -> live.remove(uid);
        default -> { }
      }
    }
    return List.copyOf(live.values());
  }

  private int indexOf(String type) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).startsWith("Event: " + type + "\r\n")) {
        return i;
      }
    }
    throw new IllegalArgumentException("no " + type + " event in the call");
  }

  int eventsPerCall() {
    return events.size();
  }

  private String numberOf(int k) {
    // 10 digits after +7: series digit, then k, zero-padded; never the transcript's own numbers
    return "9" + series + String.format("%08d", k);
  }

  /** Eight hex digits, as Asterisk names channels: the series, call k, the leg. */
  private String channelSuffix(int k, String leg) {
    return String.format("%d%06x%s", series, k, leg);
  }

  private long id(int k) {
    return Long.parseLong(epoch) + 1_000_000L * series + k;
  }

  private String rewrite(int k, String text) {
    String out = text.replace(epoch + ".", id(k) + ".");
    out = out.replace("+" + caller, "+7" + numberOf(k));
    Matcher m = CHANNEL.matcher(out);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + "-" + channelSuffix(k, m.group(2))));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
