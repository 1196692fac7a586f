package ru.dozvon.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.VarSetEvent;
import org.asteriskjava.manager.internal.DozvonReaderSeam;
import org.junit.jupiter.api.Test;

/**
 * {@link EventBeans} builds the same beans as Asterisk-Java's own builder: every event of every transcript, and
 * the edge shapes (repeated headers, null literals, booleans, action ids, unknown headers and types), compared
 * property by property with the library's bean.
 */
class EventBeansTest {

  private final Object source = new Object();

  @Test
  void everyEventOfEveryTranscriptIsTheLibrarysBean() throws Exception {
    EventBeans beans = new EventBeans(DozvonReaderSeam.libraryBuilders());
    var library = DozvonReaderSeam.libraryBuilders();
    int compared = 0;
    int fast = 0;
    List<Path> files;
    try (Stream<Path> s = Files.walk(resources())) {
      files = s.filter(p -> p.toString().endsWith(".ami")).sorted().toList();
    }
    assertTrue(files.size() >= 30, "transcripts found: " + files);
    for (Path f : files) {
      for (Map<String, Object> block : blocks(Files.readString(f, StandardCharsets.UTF_8))) {
        if (!block.containsKey("event")) {
          continue;
        }
        ManagerEvent expected = library.buildEvent(source, new HashMap<>(block));
        for (int twice = 0; twice < 2; twice++) { // the first of a type is learnt from the library; then ours
          ManagerEvent got = beans.build(source, new HashMap<>(block));
          String where = f.getFileName() + " " + block.get("event") + " " + block;
          if (expected == null) {
            assertNull(got, where);
          } else {
            assertNotNull(got, where);
            assertEquals(expected.getClass(), got.getClass(), where);
            assertEquals(properties(expected), properties(got), where);
            compared++;
          }
        }
        fast++;
      }
    }
    assertTrue(compared > 2000, "beans compared: " + compared + " of " + fast + " events");
  }

  @Test
  void edgeShapesComeOutAsTheLibrarysToo() {
    List<Map<String, Object>> edge = List.of(
        // repeated headers (a list), a null literal, a header with no property, spaces and case in names
        block("Event", "Hangup", "Channel", "PJSIP/trunk-0001", "Uniqueid", "1.1", "CallerIDNum", "<unknown>",
            "ConnectedLineName", "(null)", "Cause", "16", "Cause-txt", "Normal Clearing", "NoSuchHeader", "x",
            "ChanVariable", "A=1", "ChanVariable", "B=2"),
        block("Event", "VarSet", "Channel", "Local/1@x-0001;1", "Variable", "DOZVON_ATTEMPT", "Value", "none"),
        // a number that does not parse: skipped by both, the rest set
        block("Event", "Hangup", "Channel", "X/1", "Cause", "sixteen", "Uniqueid", "2.2"),
        // a response event: the internal action id is split off
        block("Event", "CoreShowChannel", "ActionID", "1234567_7#dozvon-resync-1-channels", "Channel", "PJSIP/a-1",
            "Duration", "00:00:05", "BridgeId", "", "Linkedid", "3.3"),
        block("Event", "NoSuchEventType", "Foo", "bar"),
        // a repeated header into a map property (the library's plural rule: Variable -> setVariables)
        block("Event", "AgentCalled", "Queue", "sales", "Channel", "PJSIP/a-1", "Variable", "A=1", "Variable", "B=2"),
        block("Event", "UserEvent", "UserEvent", "Whatever", "Foo", "bar"),
        block("Event", "QueueMemberStatus", "Queue", "sales", "Paused", "1", "Ringinuse", "no", "InCall", "yes",
            "Status", "1", "LastCall", "0", "CallsTaken", "3"));
    var library = DozvonReaderSeam.libraryBuilders();
    EventBeans beans = new EventBeans(DozvonReaderSeam.libraryBuilders());
    for (Map<String, Object> b : edge) {
      ManagerEvent expected = library.buildEvent(source, new HashMap<>(b));
      for (int twice = 0; twice < 2; twice++) {
        ManagerEvent got = beans.build(source, new HashMap<>(b));
        if (expected == null) {
          assertNull(got, b.toString());
        } else {
          assertEquals(expected.getClass(), got.getClass(), b.toString());
          assertEquals(properties(expected), properties(got), b.toString());
        }
      }
    }
    HangupEvent h = (HangupEvent) beans.build(source, new HashMap<>(edge.get(0)));
    assertNull(h.getCallerIdNum(), "a null literal is null");
    assertEquals(Map.of("A", "1", "B", "2"), ((org.asteriskjava.manager.event.AgentCalledEvent)
        beans.build(source, new HashMap<>(edge.get(5)))).getVariables());
    assertEquals(16, h.getCause());
    assertNull(((VarSetEvent) beans.build(source, new HashMap<>(edge.get(1)))).getValue(),
        "'none' is one of the library's null literals");
    CoreShowChannelEvent c = (CoreShowChannelEvent) beans.build(source, new HashMap<>(edge.get(3)));
    assertEquals("dozvon-resync-1-channels", c.getActionId());
    assertEquals("1234567_7", c.getInternalActionId());
  }

  @Test
  void aDeregisteredTypeIsNoLongerBuilt() {
    EventBeans beans = new EventBeans(DozvonReaderSeam.libraryBuilders());
    Map<String, Object> b = block("Event", "Hangup", "Channel", "X/1", "Uniqueid", "1.1");
    assertNotNull(beans.build(source, new HashMap<>(b)));
    assertNotNull(beans.build(source, new HashMap<>(b)));
    beans.deregisterEventClass(HangupEvent.class);
    assertNull(beans.build(source, new HashMap<>(b)));
    beans.registerEventClass(HangupEvent.class);
    assertNotNull(beans.build(source, new HashMap<>(b)));
  }

  /** Every getter's value (the library's beans are plain beans), by name. */
  static Map<String, Object> properties(Object bean) {
    Map<String, Object> m = new TreeMap<>();
    for (Method g : bean.getClass().getMethods()) {
      String n = g.getName();
      if (g.getParameterCount() == 0 && (n.startsWith("get") || n.startsWith("is")) && !n.equals("getClass")
          && !n.equals("getSource") && !n.equals("getDateReceived")) {
        try {
          Object v = g.invoke(bean);
          m.put(n, v == null ? null : v instanceof Object[] a ? List.of(a).toString() : v.toString());
        } catch (ReflectiveOperationException e) {
          m.put(n, "threw " + e.getCause());
        }
      }
    }
    return m;
  }

  private static Map<String, Object> block(String... kv) {
    Map<String, Object> b = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      add(b, kv[i].toLowerCase(Locale.ENGLISH).trim(), kv[i + 1].trim());
    }
    return b;
  }

  /** Blocks of a transcript, headers as the library's reader keeps them (lower-case names, repeats as lists). */
  static List<Map<String, Object>> blocks(String text) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Object> b = new HashMap<>();
    for (String line : text.split("\r?\n", -1)) {
      if (line.isEmpty()) {
        if (!b.isEmpty()) {
          out.add(b);
          b = new HashMap<>();
        }
        continue;
      }
      String[] parts = line.split(":", 2);
      if (parts.length == 2 && !parts[0].trim().isEmpty()) {
        add(b, parts[0].toLowerCase(Locale.ENGLISH).trim(), parts[1].trim());
      }
    }
    if (!b.isEmpty()) {
      out.add(b);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void add(Map<String, Object> b, String name, String value) {
    Object had = b.get(name);
    if (had == null) {
      b.put(name, value);
    } else if (had instanceof List) {
      ((List<String>) had).add(value);
    } else {
      List<String> l = new ArrayList<>();
      l.add((String) had);
      l.add(value);
      b.put(name, l);
    }
  }

  private static Path resources() throws URISyntaxException {
    return Path.of(EventBeansTest.class.getResource("/ami/missed.ami").toURI()).getParent();
  }
}
