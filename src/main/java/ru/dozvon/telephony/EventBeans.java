package ru.dozvon.telephony;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.asteriskjava.manager.event.CdrEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.PeersEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.event.UserEvent;
import org.asteriskjava.manager.internal.DozvonReaderSeam.LibraryBuilders;
import org.asteriskjava.manager.internal.ManagerUtil;
import org.asteriskjava.util.AstUtil;
import org.asteriskjava.util.ReflectionUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Asterisk-Java's event beans from an event's headers as the library's own builder does, with the work the
 * library repeats for every header done once: which class an event type is, which setter a header goes to and how
 * its value is converted (the library strips each header name with a regular expression and looks the setter up
 * every time; that was most of its reader thread's time at 40,000 events a second).
 *
 * <p>The library stays the authority: the first event of each type is built by the library, and its class is
 * learnt from that bean; the rare shapes (a list of PeerEntry events, UserEvent, CdrEvent's dynamic fields) always
 * go to the library. The setters follow the library's rules (ReflectionUtil's setter map, {@code source} as
 * {@code src}, {@code class} as {@code clazz}, a plural setter for a map header) and its conversions (booleans
 * from Asterisk's yes/true/1..., its null literals, lists of lines joined, numbers, {@code name=value} maps).
 * {@code EventBeansTest} checks every event of every transcript comes out equal to the library's bean.
 *
 * <p>A header with no setter, or a value that does not convert, is skipped as the library skips it, but logged
 * once per event type and header (the library logs it at every event). One instance per reader; not thread-safe.
 */
final class EventBeans {

  private static final Logger log = LoggerFactory.getLogger(EventBeans.class);
  private static final Pattern ILLEGAL = Pattern.compile("[^a-z0-9]+");
  /** Known event types and header names are few; a hostile stream cannot grow the caches past these. */
  static final int MAX_TYPES = 2048;
  static final int MAX_HEADERS_PER_TYPE = 512;

  /** How a header's value becomes the setter's argument (the library's order of checks). */
  private enum Conversion { BOOLEAN, STRING, MAP, DOUBLE, LONG, INTEGER, CONSTRUCTOR }

  /** A header of one event class: its setter and conversion, or {@link #NONE}. */
  private record Property(Method setter, Conversion conversion, Constructor<?> fromString) {
  }

  private static final Property NONE = new Property(null, null, null);

  /** One event class: its constructor and its headers' properties, learnt as they come. */
  private static final class Plan {
    final Class<? extends ManagerEvent> type;
    final Constructor<? extends ManagerEvent> constructor;
    final Map<String, Method> setters;
    final Map<String, Property> properties = new HashMap<>();

    Plan(Class<? extends ManagerEvent> type) throws NoSuchMethodException {
      this.type = type;
      this.constructor = type.getConstructor(Object.class);
      this.setters = ReflectionUtil.getSetters(type);
    }
  }

  private final LibraryBuilders library;
  /** By the event header's value as sent ("Hangup"), so that no lower-casing is needed per event. */
  private final Map<String, Plan> plans = new HashMap<>();
  /** Types the library builds each time: special shapes, unknown types. */
  private final java.util.Set<String> libraryOnly = new java.util.HashSet<>();

  EventBeans(LibraryBuilders library) {
    this.library = library;
  }

  void registerEventClass(Class<? extends ManagerEvent> type) {
    library.registerEventClass(type);
    forget();
  }

  void deregisterEventClass(Class<? extends ManagerEvent> type) {
    library.deregisterEventClass(type);
    forget();
  }

  private void forget() {
    plans.clear();
    libraryOnly.clear();
  }

  /** The event's bean, or null (no type, an unknown type: as the library answers). */
  ManagerEvent build(Object source, Map<String, Object> headers) {
    Object type = headers.get("event");
    if (!(type instanceof String name)) {
      return library.buildEvent(source, headers); // none (logged there), or a list of PeerEntry events
    }
    Plan plan = plans.get(name);
    if (plan == null) {
      return learn(source, name, headers);
    }
    ManagerEvent event;
    try {
      event = plan.constructor.newInstance(source);
    } catch (ReflectiveOperationException e) {
      return library.buildEvent(source, headers);
    }
    for (Map.Entry<String, Object> h : headers.entrySet()) {
      String key = h.getKey();
      if (!"event".equals(key)) {
        set(plan, event, key, h.getValue());
      }
    }
    if (event instanceof ResponseEvent r) {
      String actionId = r.getActionId();
      if (actionId != null) {
        r.setActionId(ManagerUtil.stripInternalActionId(actionId));
        r.setInternalActionId(ManagerUtil.getInternalActionId(actionId));
      }
    }
    return event;
  }

  /** The library builds the first event of a type; a plain bean teaches us its class. */
  private ManagerEvent learn(Object source, String name, Map<String, Object> headers) {
    ManagerEvent event = library.buildEvent(source, headers);
    if (libraryOnly.contains(name) || plans.size() >= MAX_TYPES) {
      return event;
    }
    if (event == null || event instanceof UserEvent || event instanceof CdrEvent || event instanceof PeersEvent
        || "userevent".equalsIgnoreCase(name)) {
      if (libraryOnly.size() < MAX_TYPES) {
        libraryOnly.add(name);
      }
      return event;
    }
    try {
      plans.put(name, new Plan(event.getClass()));
    } catch (NoSuchMethodException e) {
      libraryOnly.add(name);
    }
    return event;
  }

  private void set(Plan plan, ManagerEvent event, String key, Object raw) {
    Property p = plan.properties.get(key);
    if (p == null) {
      p = property(plan, key, raw);
      if (plan.properties.size() < MAX_HEADERS_PER_TYPE) {
        plan.properties.put(key, p);
      }
    }
    if (p == NONE) {
      return;
    }
    Object value;
    try {
      value = convert(p, raw);
      p.setter.invoke(event, value);
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable why = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
      warnOnce(plan, key, "header '" + key + "' = '" + raw + "' not set on " + plan.type.getSimpleName() + ": " + why);
    }
  }

  /** The library's setter lookup for a header ({@code EventAttributesHelper.setAttributes}). */
  private Property property(Plan plan, String key, Object raw) {
    String name = ILLEGAL.matcher(key).replaceAll("");
    if ("source".equals(name)) {
      name = "src";
    } else if ("class".equals(name)) {
      name = "clazz";
    }
    Method setter = plan.setters.get(name);
    if (setter == null && !name.endsWith("s")) {
      setter = plan.setters.get(name + "s");
      if (setter != null && !setter.getParameterTypes()[0].isAssignableFrom(Map.class)) {
        setter = null;
      }
    }
    if (setter == null) {
      warnOnce(plan, key, "header '" + key + "' (e.g. '" + raw + "') has no property on " + plan.type.getSimpleName()
          + "; skipped");
      return NONE;
    }
    Class<?> t = setter.getParameterTypes()[0];
    Conversion c;
    Constructor<?> fromString = null;
    if (t == Boolean.class) {
      c = Conversion.BOOLEAN;
    } else if (t.isAssignableFrom(String.class)) {
      c = Conversion.STRING;
    } else if (t.isAssignableFrom(Map.class)) {
      c = Conversion.MAP;
    } else if (t.isAssignableFrom(double.class) || t.isAssignableFrom(Double.class)) {
      c = Conversion.DOUBLE;
    } else if (t.isAssignableFrom(long.class) || t.isAssignableFrom(Long.class)) {
      c = Conversion.LONG;
    } else if (t.isAssignableFrom(int.class) || t.isAssignableFrom(Integer.class)) {
      c = Conversion.INTEGER;
    } else {
      c = Conversion.CONSTRUCTOR;
      try {
        fromString = t.getConstructor(String.class);
      } catch (NoSuchMethodException e) {
        warnOnce(plan, key, "header '" + key + "' goes to a " + t.getSimpleName() + " with no constructor from text on "
            + plan.type.getSimpleName() + "; skipped");
        return NONE;
      }
    }
    try {
      // public setters, but Method.invoke checked access on every call (slowVerifyAccess in the JFR profile of
      // the reader thread at 500 calls a second)
      setter.setAccessible(true);
    } catch (RuntimeException e) {
      // left checked: still callable, only slower
    }
    return new Property(setter, c, fromString);
  }

  /** The library's conversions ({@code EventAttributesHelper}): a failure skips the header. */
  @SuppressWarnings("unchecked")
  private static Object convert(Property p, Object raw) throws ReflectiveOperationException {
    switch (p.conversion) {
      case BOOLEAN:
        return AstUtil.isTrue(raw);
      case STRING:
        if (raw instanceof String s) {
          return s.length() <= 16 && AstUtil.isNull(s) ? null : s; // every null literal is shorter
        }
        if (raw instanceof List) {
          StringBuilder b = new StringBuilder();
          for (String line : (List<String>) raw) {
            if (line != null && !line.isEmpty()) {
              b.append(line).append('\n');
            }
          }
          return b.toString();
        }
        return raw;
      case MAP:
        if (raw instanceof List) {
          return map((List<String>) raw);
        }
        return raw instanceof String s ? map(List.of(s)) : null;
      case DOUBLE: {
        String s = (String) raw;
        return s == null || s.isEmpty() ? null : Double.parseDouble(s);
      }
      case LONG: {
        String s = (String) raw;
        return s == null || s.isEmpty() ? null : Long.parseLong(s);
      }
      case INTEGER: {
        String s = (String) raw;
        return s == null || s.isEmpty() ? null : Integer.parseInt(s);
      }
      default:
        return p.fromString.newInstance(raw);
    }
  }

  private static Map<String, String> map(List<String> lines) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : lines) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }

  /** Warned (type, header) pairs, bounded like the caches. */
  private final java.util.Set<String> warned = new java.util.HashSet<>();

  private void warnOnce(Plan plan, String key, String message) {
    if (warned.size() < MAX_TYPES * 4 && warned.add(plan.type.getName() + '\n' + key)) {
      log.warn("AMI: {} (logged once per event type and header)", message);
    }
  }
}
