package ru.dozvon.telephony;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * At most {@value #PER_WINDOW} log lines per 10 s from each Asterisk-Java logger. Fed garbage, Asterisk-Java logs at
 * ERROR, with a stack trace, every header value it cannot convert ({@code EventAttributesHelper}: {@code Cause: xyz}
 * on every forged Hangup) and more: 100,000 bad events a second would be 100,000 log lines. The lines past the limit
 * are counted and said in one line when the next window opens. The event pump's drop line is left alone (its appender
 * counts drops, {@link AmiMetrics#watchPumpDrops}).
 */
final class AsteriskJavaLogLimit extends TurboFilter {

  static final int PER_WINDOW = 10;
  private static final long WINDOW_NANOS = 10_000_000_000L;
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(AsteriskJavaLogLimit.class);
  private static volatile boolean installed;

  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    long start;
    int lines;
    long suppressed;
  }

  /** Once per JVM; a no-op when logback is not the SLF4J backend. */
  static synchronized void install() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (installed || !(factory instanceof LoggerContext ctx)) {
      return;
    }
    AsteriskJavaLogLimit f = new AsteriskJavaLogLimit();
    f.setName("dozvon-asterisk-java-log-limit");
    f.setContext(ctx);
    f.start();
    ctx.addTurboFilter(f);
    installed = true;
  }

  @Override
  public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                            Object[] params, Throwable t) {
    String name = logger.getName();
    if (!name.startsWith("org.asteriskjava") || name.equals(AmiMetrics.PUMP_LOGGER)
        || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    Window w = windows.computeIfAbsent(name, k -> new Window());
    long told;
    synchronized (w) {
      long now = System.nanoTime();
      if (w.lines == 0 || now - w.start > WINDOW_NANOS) {
        told = w.suppressed;
        w.start = now;
        w.lines = 0;
        w.suppressed = 0;
      } else {
        told = 0;
      }
      if (w.lines >= PER_WINDOW) {
        w.suppressed++;
        return FilterReply.DENY;
      }
      w.lines++;
    }
    if (told > 0) {
      LOG.warn("Asterisk-Java: {} log lines of {} suppressed (at most {} per 10 s)", told, name, PER_WINDOW);
    }
    return FilterReply.NEUTRAL;
  }
}
