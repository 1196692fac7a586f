package ru.dozvon.telephony.testami;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A captured AMI session (a file of /work/shared/ami) reduced to what a PBX would send a freshly
 * logged-in client: the greeting line and the capturing client's own login response are stripped,
 * the events are kept byte for byte (CRLF line ends, a blank line after each).
 */
public final class Transcript {

  private static final byte[] BLANK = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private final String name;
  private final List<byte[]> events;

  private Transcript(String name, List<byte[]> events) {
    this.name = name;
    this.events = List.copyOf(events);
  }

  /** Loads a transcript from the test class path, e.g. {@code "ami/missed.ami"}. */
  public static Transcript load(String resource) {
    try (InputStream in = Transcript.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return parse(resource, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits raw capture bytes into events, dropping the greeting and the capture-login response. */
  public static Transcript parse(String name, byte[] raw) {
    int pos = 0;
    int firstLineEnd = indexOf(raw, "\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
    if (firstLineEnd >= 0 && new String(raw, 0, firstLineEnd, StandardCharsets.ISO_8859_1).contains("Call Manager/")) {
      pos = firstLineEnd + 2;
    }
    List<byte[]> blocks = new ArrayList<>();
    while (pos < raw.length) {
      int end = indexOf(raw, BLANK, pos);
      int stop = end < 0 ? raw.length : end + BLANK.length;
      byte[] block = Arrays.copyOfRange(raw, pos, stop);
      pos = stop;
      String text = new String(block, StandardCharsets.ISO_8859_1);
      if (text.startsWith("Event:")) {
        blocks.add(block);
      }
      // anything else here is the capturing client's own login response: not part of the call
    }
    return new Transcript(name, blocks);
  }

  public String name() {
    return name;
  }

  public List<byte[]> events() {
    return events;
  }

  public int size() {
    return events.size();
  }

  /** All events back to back, as the PBX sent them. */
  public byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    events.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** The value of the Event header of event {@code i}. */
  public String eventType(int i) {
    String text = new String(events.get(i), StandardCharsets.ISO_8859_1);
    int eol = text.indexOf("\r\n");
    return text.substring("Event:".length(), eol).trim();
  }

  /** How many events of each type, in first-seen order. */
  public Map<String, Long> countByType() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      counts.merge(eventType(i), 1L, Long::sum);
    }
    return counts;
  }

  static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
