package ru.dozvon.simpbx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One call as a real Asterisk 22 sent it (a captured transcript on the class path, {@code simpbx/...}), compiled
 * once into event blocks whose values are literal text and slots: every Uniqueid/Linkedid, channel sequence number,
 * bridge id, operator extension and device, the customer's number, timestamps and CDR times. Rendering a call fills
 * the slots with that call's own values ({@link Binding}), so each call looks like a fresh one from the same PBX.
 *
 * <p>The call is cut in three parts where a PBX spends time: up to the end of the dial that decides it (ringing:
 * the first DialEnd after the last DialBegin), up to the first Hangup (the conversation), and the rest.
 */
final class Template {

  /** Slot kinds; {@code n} numbers the distinct template values of that kind. */
  enum Kind { ID, SEQ, UUID, EXT, DEVICE, CORE, FULL, TS, DATETIME, ACTIONID, CONTEXT }

  record Slot(Kind kind, int n, long value) {
  }

  /** One header: its name and its value as literal strings and slots. */
  record Field(String key, Object[] parts) {
  }

  /** One event. */
  record Block(String event, Field[] fields) {
    String literal(String key) {
      for (Field f : fields) {
        if (f.key.equalsIgnoreCase(key) && f.parts.length == 1 && f.parts[0] instanceof String s) {
          return s;
        }
      }
      return null;
    }
  }

  /** The number customers call in the captures (kept as it is: it is the company's, not the caller's). */
  static final String COMPANY_NUMBER = "74951234567";
  static final DateTimeFormatter CDR_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  private static final Set<String> ID_KEYS = Set.of("uniqueid", "linkedid", "destuniqueid", "destlinkedid");
  private static final Set<String> DATE_KEYS = Set.of("starttime", "answertime", "endtime");
  private static final Set<String> CONTEXT_KEYS = Set.of("context", "destcontext", "destinationcontext");
  /** Headers where an operator's bare extension (101) stands for the operator. */
  private static final Set<String> EXT_KEYS = Set.of("calleridnum", "connectedlinenum", "destcalleridnum",
      "destconnectedlinenum", "exten", "destexten", "extension", "appdata", "value", "dialstring", "lastdata",
      "source", "destination", "callerid", "membername", "location", "interface", "stateinterface", "device",
      "endpoint", "aor", "peer", "calleridname", "connectedlinename", "destcalleridname", "destconnectedlinename");
  private static final Pattern OPERATOR_CHANNEL =
      Pattern.compile("^(?:(?:PJSIP|SIP)/(\\d{2,6})-[0-9a-f]{8}|Local/(\\d{2,6})@operator-phone-[0-9a-f]{8};[12])$");
  private static final Pattern UUID_OR_SEQ = Pattern.compile(
      "(?<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|-(?<seq>[0-9a-f]{8})(?![0-9a-zA-Z-])");
  private static final Pattern DIGITS_ID = Pattern.compile("\\d+\\.\\d+");

  final String name;
  final Shape shape;
  final List<Block> blocks;
  final List<String> exts;
  final String customerFull;
  final String customerCore;
  final int ids;
  final int seqs;
  final int uuids;
  /** Where the ringing ends (index of the deciding DialEnd) and the conversation ends (first Hangup). */
  final int ringEnds;
  final int talkEnds;
  /** The first Newchannel (the Originate's variables are reported right after it). */
  final int firstNewchannel;
  /** First timestamp of each part (µs), or 0 when the capture has none. */
  final long[] partStart = new long[3];
  /** The earliest CDR time (epoch seconds, as if UTC), or 0. */
  long firstDate;

  private Template(String name, Shape shape, List<List<String[]>> raw) {
    this.name = name;
    this.shape = shape;
    Set<String> extSet = new LinkedHashSet<>();
    for (List<String[]> b : raw) {
      String ch = get(b, "channel");
      if (ch != null) {
        Matcher m = OPERATOR_CHANNEL.matcher(ch);
        if (m.matches()) {
          extSet.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
      }
    }
    if (extSet.isEmpty()) { // the Originate to an unregistered phone: only the device
      for (List<String[]> b : raw) {
        String ch = get(b, "channel");
        if (ch != null && ch.matches("(?:PJSIP|SIP)/\\d{2,6}")) {
          extSet.add(ch.substring(ch.indexOf('/') + 1));
        }
      }
    }
    this.exts = List.copyOf(extSet);
    String full = null;
    boolean originate = name.contains("c2c_");
    for (List<String[]> b : raw) {
      if (originate) {
        if ("OriginateResponse".equals(get(b, "event")) && get(b, "exten") != null) {
          full = get(b, "exten");
          break;
        }
        if ("click-to-call".equals(get(b, "context")) && get(b, "exten") != null && !"s".equals(get(b, "exten"))
            && !exts.contains(get(b, "exten")) && full == null) {
          full = get(b, "exten");
        }
      } else {
        // the caller: the first caller number that is a phone number and not the company's own
        String c = get(b, "calleridnum");
        if (c != null && c.replaceAll("\\D", "").length() >= 10 && !c.endsWith(COMPANY_NUMBER)) {
          full = c;
          break;
        }
      }
    }
    if (full == null || full.replaceAll("\\D", "").length() < 7) {
      throw new IllegalStateException(name + ": no customer number found");
    }
    this.customerFull = full;
    String digits = full.replaceAll("\\D", "");
    this.customerCore = digits.length() >= 10 ? digits.substring(digits.length() - 10) : digits;

    Map<String, Integer> idMap = new LinkedHashMap<>();
    Map<String, Integer> seqMap = new LinkedHashMap<>();
    Map<String, Integer> uuidMap = new LinkedHashMap<>();
    Pattern text = textPattern();
    List<Block> out = new ArrayList<>();
    for (List<String[]> b : raw) {
      String event = get(b, "event");
      Field[] fields = new Field[b.size()];
      for (int i = 0; i < b.size(); i++) {
        String key = b.get(i)[0];
        String value = b.get(i)[1];
        String k = key.toLowerCase(Locale.ROOT);
        Object[] parts;
        if (k.equals("timestamp") && value.matches("\\d+\\.\\d+")) {
          parts = new Object[] {new Slot(Kind.TS, 0, micros(value))};
        } else if ((ID_KEYS.contains(k)) && DIGITS_ID.matcher(value).matches()) {
          parts = new Object[] {new Slot(Kind.ID, idMap.computeIfAbsent(value, v -> idMap.size()), 0)};
        } else if (DATE_KEYS.contains(k) && value.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d")) {
          long s = LocalDateTime.parse(value, CDR_TIME).toEpochSecond(ZoneOffset.UTC);
          parts = new Object[] {new Slot(Kind.DATETIME, 0, s)};
          firstDate = firstDate == 0 ? s : Math.min(firstDate, s);
        } else if (k.equals("actionid") && "OriginateResponse".equals(event)) {
          parts = new Object[] {new Slot(Kind.ACTIONID, 0, 0)};
        } else if (CONTEXT_KEYS.contains(k) && value.equals("click-to-call")) {
          parts = new Object[] {new Slot(Kind.CONTEXT, 0, 0)};
        } else {
          parts = tokenize(value, text, EXT_KEYS.contains(k), seqMap, uuidMap);
        }
        fields[i] = new Field(key, parts);
      }
      out.add(new Block(event, fields));
    }
    this.blocks = List.copyOf(out);
    this.ids = idMap.size();
    this.seqs = seqMap.size();
    this.uuids = uuidMap.size();
    int lastBegin = -1;
    int newchannel = -1;
    for (int i = 0; i < blocks.size(); i++) {
      if ("DialBegin".equals(blocks.get(i).event())) {
        lastBegin = i;
      }
      if (newchannel < 0 && "Newchannel".equals(blocks.get(i).event())) {
        newchannel = i;
      }
    }
    this.firstNewchannel = newchannel;
    int ring = -1;
    for (int i = Math.max(lastBegin, 0); i < blocks.size() && lastBegin >= 0; i++) {
      if ("DialEnd".equals(blocks.get(i).event())) {
        ring = i;
        break;
      }
    }
    int talk = blocks.size();
    for (int i = Math.max(ring, 0); i < blocks.size(); i++) {
      if ("Hangup".equals(blocks.get(i).event())) {
        talk = i;
        break;
      }
    }
    this.ringEnds = ring < 0 ? Math.min(talk, blocks.size()) : ring;
    this.talkEnds = Math.max(talk, ringEnds);
    partStart[0] = firstTs(0, ringEnds);
    partStart[1] = firstTs(ringEnds, talkEnds);
    partStart[2] = firstTs(talkEnds, blocks.size());
  }

  /** Loads and compiles a class-path transcript (greeting, capture login and its security events dropped). */
  static Template load(String resource, Shape shape) {
    try (InputStream in = Template.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + resource);
      }
      return parse(resource, shape, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Template parse(String name, Shape shape, byte[] bytes) {
    String all = new String(bytes, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
    List<List<String[]>> raw = new ArrayList<>();
    for (String chunk : all.split("\n\n")) {
      if (!chunk.startsWith("Event:")) {
        continue; // the greeting and the capturing client's own login response
      }
      List<String[]> b = new ArrayList<>();
      for (String line : chunk.split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          String v = line.substring(colon + 1);
          b.add(new String[] {line.substring(0, colon), v.startsWith(" ") ? v.substring(1) : v});
        }
      }
      String event = get(b, "event");
      if ("FullyBooted".equals(event) || "SuccessfulAuth".equals(event)) {
        continue; // the capturing session's own login, not the call
      }
      raw.add(b);
    }
    return new Template(name, shape, raw);
  }

  private Pattern textPattern() {
    StringBuilder alt = new StringBuilder();
    for (String e : exts) {
      alt.append(alt.length() == 0 ? "" : "|").append(Pattern.quote(e));
    }
    String extAlt = alt.length() == 0 ? "(?!x)x" : alt.toString();
    return Pattern.compile(
        "(?<dev>(?:PJSIP|SIP)/(?<dext>" + extAlt + ")(?![0-9])|Local/(?<lext>" + extAlt + ")@operator-phone)"
            + "|(?<cust>(?:\\+7|8|7)?" + Pattern.quote(customerCore) + ")(?![0-9])"
            + "|(?<![0-9A-Za-z.+/_-])(?<ext>" + extAlt + ")(?![0-9])");
  }

  private Object[] tokenize(String value, Pattern text, boolean extAllowed, Map<String, Integer> seqMap,
                            Map<String, Integer> uuidMap) {
    List<Object> parts = new ArrayList<>();
    // first the ids inside names (channel sequence numbers, bridge uuids), then names and numbers in between
    Matcher m = UUID_OR_SEQ.matcher(value);
    int pos = 0;
    while (m.find()) {
      textParts(value.substring(pos, m.start()), text, extAllowed, parts);
      if (m.group("uuid") != null) {
        parts.add(new Slot(Kind.UUID, uuidMap.computeIfAbsent(m.group("uuid"), u -> uuidMap.size()), 0));
      } else {
        parts.add("-");
        parts.add(new Slot(Kind.SEQ, seqMap.computeIfAbsent(m.group("seq"), u -> seqMap.size()), 0));
      }
      pos = m.end();
    }
    textParts(value.substring(pos), text, extAllowed, parts);
    return merge(parts);
  }

  private void textParts(String s, Pattern text, boolean extAllowed, List<Object> parts) {
    Matcher m = text.matcher(s);
    int pos = 0;
    while (m.find()) {
      if (m.group("ext") != null && !extAllowed) {
        continue;
      }
      parts.add(s.substring(pos, m.start()));
      if (m.group("dev") != null) {
        String e = m.group("dext") != null ? m.group("dext") : m.group("lext");
        parts.add(new Slot(Kind.DEVICE, exts.indexOf(e), 0));
      } else if (m.group("cust") != null) {
        String c = m.group("cust");
        if (c.equals(customerFull)) {
          parts.add(new Slot(Kind.FULL, 0, 0));
        } else {
          parts.add(c.substring(0, c.length() - customerCore.length()));
          parts.add(new Slot(Kind.CORE, 0, 0));
        }
      } else {
        parts.add(new Slot(Kind.EXT, exts.indexOf(m.group("ext")), 0));
      }
      pos = m.end();
    }
    parts.add(s.substring(pos));
  }

  private static Object[] merge(List<Object> parts) {
    List<Object> out = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof String s) {
        lit.append(s);
      } else {
        if (lit.length() > 0) {
          out.add(lit.toString());
          lit.setLength(0);
        }
        out.add(p);
      }
    }
    if (lit.length() > 0 || out.isEmpty()) {
      out.add(lit.toString());
    }
    return out.toArray();
  }

  private long firstTs(int from, int to) {
    for (int i = from; i < to; i++) {
      for (Field f : blocks.get(i).fields()) {
        if (f.parts().length == 1 && f.parts()[0] instanceof Slot s && s.kind() == Kind.TS) {
          return s.value();
        }
      }
    }
    return 0;
  }

  /** The template's time between the first events of two parts (µs; 0 without timestamps). */
  long gap(int part) {
    return partStart[part] == 0 || partStart[part - 1] == 0 ? 0 : partStart[part] - partStart[part - 1];
  }

  static long micros(String ts) {
    int dot = ts.indexOf('.');
    String frac = (ts.substring(dot + 1) + "000000").substring(0, 6);
    return Long.parseLong(ts.substring(0, dot)) * 1_000_000 + Long.parseLong(frac);
  }

  private static String get(List<String[]> b, String key) {
    for (String[] kv : b) {
      if (kv[0].equalsIgnoreCase(key)) {
        return kv[1];
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return name;
  }
}
