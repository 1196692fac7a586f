package ru.dozvon.telephony;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asteriskjava.manager.event.ManagerEvent;

/**
 * Reads an AMI transcript (exact bytes a PBX sent, CRLF) the way Asterisk-Java's
 * {@code ManagerReaderImpl} does, and builds the very event beans its reader would, with its own
 * {@code EventBuilderImpl}.
 *
 * <p>As in the reader: the greeting line is skipped; a line {@code Key: value} adds the key in
 * lower case (a line whose value is empty is dropped, so {@code AccountCode: } yields no key);
 * a blank line closes a block, which is an event when it has an {@code event} key and a response
 * (skipped here, e.g. the capture-login answer) otherwise.
 */
final class AmiTranscript {

  private static final Object SOURCE = new Object();
  private static final Object BUILDER;
  private static final Method BUILD;

  static {
    try {
      // The builder is package-private in Asterisk-Java; reflection keeps this test helper out of
      // its package.
      Class<?> type = Class.forName("org.asteriskjava.manager.internal.EventBuilderImpl");
      Constructor<?> ctor = type.getDeclaredConstructor();
      ctor.setAccessible(true);
      BUILDER = ctor.newInstance();
      BUILD = type.getMethod("buildEvent", Object.class, Map.class);
      BUILD.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private AmiTranscript() {
  }

  /** The event blocks of a transcript on the test class path, e.g. {@code ami/pjsip/missed.ami}. */
  static List<Map<String, Object>> blocks(String resource) {
    try (InputStream in = AmiTranscript.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Map<String, Object>> parse(String text) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Object> buffer = new LinkedHashMap<>();
    for (String line : text.split("\r\n", -1)) {
      if (line.startsWith("Asterisk Call Manager/")) {
        continue;
      }
      if (!line.isEmpty()) {
        int colon = line.indexOf(": ");
        if (colon > 0 && line.length() > colon + 2) {
          buffer.put(line.substring(0, colon).toLowerCase(Locale.ENGLISH), line.substring(colon + 2));
        }
        continue;
      }
      if (buffer.containsKey("event")) {
        out.add(buffer);
      }
      buffer = new LinkedHashMap<>();
    }
    if (buffer.containsKey("event")) {
      out.add(buffer);
    }
    return out;
  }

  /** The Asterisk-Java bean for one block, or null when Asterisk-Java knows no such event. */
  static ManagerEvent build(Map<String, Object> block) {
    try {
      return (ManagerEvent) BUILD.invoke(BUILDER, SOURCE, new LinkedHashMap<>(block));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Blocks, built into beans and mapped; events the mapper ignores are left out. */
  static List<TelephonyEvent> events(List<Map<String, Object>> blocks, AmiEventMapper mapper) {
    List<TelephonyEvent> out = new ArrayList<>();
    for (Map<String, Object> block : blocks) {
      TelephonyEvent e = mapper.map(build(block));
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  /** The event's AMI name as written in the transcript, e.g. {@code Hangup}. */
  static String name(Map<String, Object> block) {
    return String.valueOf(block.get("event"));
  }
}
