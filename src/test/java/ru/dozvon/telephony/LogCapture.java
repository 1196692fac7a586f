package ru.dozvon.telephony;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures logback output of the root logger for a test. */
final class LogCapture {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root;
  private final Logger asteriskJava;
  private final Logger dozvon;
  private final Level asteriskLevel;
  private final Level dozvonLevel;

  private LogCapture(boolean debug) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    asteriskJava = ctx.getLogger("org.asteriskjava");
    dozvon = ctx.getLogger("ru.dozvon");
    asteriskLevel = asteriskJava.getLevel();
    dozvonLevel = dozvon.getLevel();
    if (debug) {
      asteriskJava.setLevel(Level.DEBUG);
      dozvon.setLevel(Level.DEBUG);
    }
    appender.setContext(ctx);
    appender.start();
    root.addAppender(appender);
  }

  static LogCapture attach() {
    return new LogCapture(false);
  }

  /** Also turns Asterisk-Java and Dozvon up to DEBUG, so everything they might print is seen. */
  static LogCapture attachAtDebug() {
    return new LogCapture(true);
  }

  void detach() {
    root.detachAppender(appender);
    asteriskJava.setLevel(asteriskLevel);
    dozvon.setLevel(dozvonLevel);
  }

  int size() {
    return appender.list.size();
  }

  long errorsContaining(String text) {
    return events().stream().filter(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().contains(text)).count();
  }

  boolean anyContains(String text) {
    return events().stream().anyMatch(e -> e.getFormattedMessage().contains(text)
        || (e.getThrowableProxy() != null && ThrowableProxyUtil.asString(e.getThrowableProxy()).contains(text)));
  }

  private List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }
}
