package ru.dozvon.telephony;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.asteriskjava.manager.event.ManagerEvent;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The AMI link's meters. {@link #event} runs on Asterisk-Java's event thread for every event, so it
 * only touches cached meters: one counter per event class, looked up through a {@link ClassValue}.
 * Prometheus names: {@code dozvon_ami_events_total{type}}, {@code dozvon_ami_reconnects_total},
 * {@code dozvon_ami_connected}, {@code dozvon_ami_dropped_events_total},
 * {@code dozvon_ami_event_lag_seconds}.
 */
final class AmiMetrics {

  /** Asterisk-Java's event pump logs this (at ERROR) for every event it throws away. */
  static final String PUMP_LOGGER = "org.asteriskjava.manager.internal.AsyncEventPump";
  static final String PUMP_DROP_TEXT = "queue is full";

  private final MeterRegistry registry;
  private final ClassValue<Counter> byType;
  private final Counter reconnects;
  private final Counter dropped;
  private final Timer lag;
  private final AtomicInteger connected = new AtomicInteger();
  private final Timer dispatch;
  private final Timer handoff;
  private final Timer batch;
  private final Timer heldBack;

  AmiMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.byType = new ClassValue<>() {
      @Override
      protected Counter computeValue(Class<?> type) {
        return Counter.builder("dozvon.ami.events").tag("type", type.getSimpleName())
            .description("AMI events received, by Asterisk-Java event class").register(registry);
      }
    };
    this.reconnects = Counter.builder("dozvon.ami.reconnects")
        .description("AMI connections re-established after a loss").register(registry);
    this.dropped = Counter.builder("dozvon.ami.dropped.events")
        .description("AMI events lost before reaching Dozvon (Asterisk-Java queue full, or on a dead connection)")
        .register(registry);
    this.lag = Timer.builder("dozvon.ami.event.lag")
        .description("Time from the PBX's event Timestamp to its arrival here").register(registry);
    registry.gauge("dozvon.ami.connected", connected);
    dispatch = stage(registry, "dozvon_stage_ami_dispatch_seconds",
        "A Hangup event built by Asterisk-Java's reader to its dispatch reaching Dozvon (milliseconds resolution)");
    handoff = stage(registry, "dozvon_stage_handoff_seconds",
        "The oldest event of a batch queued by Asterisk-Java's thread to the batch delivered on the telephony loop");
    heldBack = Timer.builder("dozvon.ami.backpressure").description("Times the AMI reader stopped reading the socket"
        + " until the telephony loop had caught up (events queued past the high water mark), and for how long")
        .register(registry);
    batch = stage(registry, "dozvon_stage_telephony_batch_seconds",
        "The telephony loop's time on one batch of events (tracker, phones, ended calls handed on)");
  }

  /** Counts one event and, when the PBX stamped it (timestampevents=yes), its lag. */
  void event(ManagerEvent event) {
    byType.get(event.getClass()).increment();
    Double ts = event.getTimestamp();
    if (ts != null) {
      long lagNanos = System.currentTimeMillis() * 1_000_000L - (long) (ts * 1e9);
      if (lagNanos >= 0) {
        lag.record(lagNanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  private static Timer stage(MeterRegistry registry, String name, String description) {
    return Timer.builder(name).description(description).publishPercentiles(0.5, 0.99).publishPercentileHistogram()
        .minimumExpectedValue(java.time.Duration.ofNanos(10_000)).maximumExpectedValue(java.time.Duration.ofSeconds(10))
        .register(registry);
  }

  /** A Hangup reached our listener: how long since Asterisk-Java's reader built it. */
  void dispatched(ManagerEvent hangup) {
    java.util.Date received = hangup.getDateReceived();
    if (received != null) {
      dispatch.record(Math.max(0, System.currentTimeMillis() - received.getTime()), TimeUnit.MILLISECONDS);
    }
  }

  void handedOff(long nanos) {
    handoff.record(nanos, TimeUnit.NANOSECONDS);
  }

  void heldBack(long nanos) {
    heldBack.record(nanos, TimeUnit.NANOSECONDS);
  }

  void batch(long nanos) {
    batch.record(nanos, TimeUnit.NANOSECONDS);
  }

  void connected(boolean up) {
    connected.set(up ? 1 : 0);
  }

  void reconnected() {
    reconnects.increment();
  }

  void dropped(long n) {
    dropped.increment(n);
  }

  /** What the bounded socket dropped: {@code dozvon_ami_input_dropped_total{what}}. */
  BoundedAmiSocket.Counts inputCounts() {
    Counter line = inputDropped("line_too_long", "AMI lines over telephony.max-line-bytes, dropped");
    Counter cut = inputDropped("event_cut", "AMI events over telephony.max-event-bytes, cut");
    Counter type = inputDropped("event_type_cap", "AMI events of a new name past telephony.max-event-types, dropped");
    return new BoundedAmiSocket.Counts() {
      @Override
      public void lineTooLong() {
        line.increment();
      }

      @Override
      public void eventCut() {
        cut.increment();
      }

      @Override
      public void eventTypeDropped() {
        type.increment();
      }
    };
  }

  private Counter inputDropped(String what, String description) {
    return Counter.builder("dozvon.ami.input.dropped").tag("what", what).description(description).register(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  /**
   * Counts Asterisk-Java's dropped events. Its event pump has a 20,000-slot queue and, when full,
   * discards the event with nothing but an ERROR log line; a logback appender on that logger is the
   * only place a drop can be seen. Returns how to detach it; a no-op when logback is not the SLF4J
   * backend.
   */
  AutoCloseable watchPumpDrops(Runnable onDrop) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext ctx)) {
      return () -> { };
    }
    ch.qos.logback.classic.Logger logger = ctx.getLogger(PUMP_LOGGER);
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        if (e.getLevel() == Level.ERROR && e.getMessage() != null && e.getMessage().contains(PUMP_DROP_TEXT)) {
          dropped.increment();
          onDrop.run();
        }
      }
    };
    appender.setContext(ctx);
    appender.setName("dozvon-ami-drop-watch-" + System.identityHashCode(this));
    appender.start();
    logger.addAppender(appender);
    return () -> {
      logger.detachAppender(appender);
      appender.stop();
    };
  }
}
