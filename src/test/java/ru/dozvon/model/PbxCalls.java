package ru.dozvon.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ru.dozvon.telephony.testami.Transcript;

/**
 * Real Asterisk 22 transcripts played as new calls: every Uniqueid/Linkedid (any field named so:
 * {@code DestLinkedid}, {@code LocalOneUniqueid}...) is mapped to a fresh id unique in the run, the
 * caller's number is replaced by the contact's, and the PJSIP captures' {@code Timestamp} fields are
 * shifted so the call ends at the model's "now" (the Local captures carry none: the tracker takes the
 * clock's time).
 */
public final class PbxCalls {

  /** The shapes a customer's inbound call takes on the PBX. */
  public enum Shape {
    LOCAL_MISSED("ami/missed.ami", true),
    LOCAL_QUEUE_ABANDON("ami/queue_abandon.ami", true),
    PJSIP_MISSED("ami/pjsip/missed.ami", true),
    LOCAL_ANSWERED("ami/answered.ami", false),
    LOCAL_QUEUE_ANSWERED("ami/queue_answered.ami", false),
    PJSIP_ANSWERED("ami/pjsip/answered.ami", false),
    PJSIP_QUEUE_ANSWERED("ami/pjsip/queue_answered.ami", false);

    public final String file;
    public final boolean missed;

    Shape(String file, boolean missed) {
      this.file = file;
      this.missed = missed;
    }
  }

  /** One call ready to send: its bytes and the Linkedid the service must store it under. */
  public record Call(String linkedid, byte[] bytes) {
  }

  private static final Pattern CALLER = Pattern.compile("\r\nCallerIDNum: \\+(7\\d{10})\r\n");
  private static final Pattern ID_FIELD = Pattern.compile("(?i)[A-Za-z]*(uniqueid|linkedid)");
  private static final Pattern ID_VALUE = Pattern.compile("\\d+\\.\\d+");
  private static final Pattern STAMP = Pattern.compile("(\\d+)\\.(\\d+)");

  private record Template(String text, String caller, long lastStamp) {
  }

  private static final Map<Shape, Template> TEMPLATES = new EnumMap<>(Shape.class);
  /** Id prefixes never seen in a capture (those are 1795...), one per call of the run. */
  private static final AtomicLong PREFIX = new AtomicLong(1_900_000_000L);

  private PbxCalls() {
  }

  private static synchronized Template template(Shape shape) {
    return TEMPLATES.computeIfAbsent(shape, s -> {
      String text = new String(Transcript.load(s.file).bytes(), StandardCharsets.ISO_8859_1);
      Matcher m = CALLER.matcher(text);
      if (!m.find()) {
        throw new IllegalStateException(s.file + ": no customer CallerIDNum");
      }
      long last = 0;
      for (String line : text.split("\r\n")) {
        if (line.startsWith("Timestamp: ")) {
          Matcher t = STAMP.matcher(line.substring(11).trim());
          if (t.matches()) {
            last = Math.max(last, Long.parseLong(t.group(1)));
          }
        }
      }
      return new Template(text, m.group(1), last);
    });
  }

  /** The call of {@code shape} from {@code phoneE164} ("+79..."), ending at {@code endsAt}. */
  public static Call render(Shape shape, String phoneE164, Instant endsAt) {
    Template t = template(shape);
    String prefix = Long.toString(PREFIX.incrementAndGet());
    String text = t.text().replace(t.caller(), phoneE164.substring(1));
    long shift = t.lastStamp() == 0 ? 0 : endsAt.getEpochSecond() - t.lastStamp();
    Map<String, String> ids = new LinkedHashMap<>();
    String linkedid = null;
    StringBuilder out = new StringBuilder(text.length() + 1024);
    for (String line : text.split("\r\n", -1)) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        String name = line.substring(0, colon);
        String value = line.substring(colon + 2).trim();
        if (ID_FIELD.matcher(name).matches() && ID_VALUE.matcher(value).matches()) {
          String mapped = ids.computeIfAbsent(value, v -> prefix + "." + ids.size());
          if (linkedid == null && name.equals("Linkedid")) {
            linkedid = mapped;
          }
          line = name + ": " + mapped;
        } else if (shift != 0 && name.equals("Timestamp")) {
          Matcher m = STAMP.matcher(value);
          if (m.matches()) {
            line = name + ": " + (Long.parseLong(m.group(1)) + shift) + "." + m.group(2);
          }
        }
      }
      out.append(line).append("\r\n");
    }
    out.setLength(out.length() - 2); // the split kept the text's own last line end
    if (linkedid == null) {
      throw new IllegalStateException(shape.file + ": no Linkedid");
    }
    return new Call(linkedid, out.toString().getBytes(StandardCharsets.ISO_8859_1));
  }
}
