package ru.dozvon.telephony;

import java.util.List;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.event.BridgeCreateEvent;
import org.asteriskjava.manager.event.BridgeDestroyEvent;
import org.asteriskjava.manager.event.BridgeEnterEvent;
import org.asteriskjava.manager.event.BridgeLeaveEvent;
import org.asteriskjava.manager.event.BridgeMergeEvent;
import org.asteriskjava.manager.event.BridgeVideoSourceUpdateEvent;
import org.asteriskjava.manager.event.CelEvent;
import org.asteriskjava.manager.event.ChallengeSentEvent;
import org.asteriskjava.manager.event.DialStateEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.DtmfBeginEvent;
import org.asteriskjava.manager.event.DtmfEndEvent;
import org.asteriskjava.manager.event.HangupRequestEvent;
import org.asteriskjava.manager.event.LocalBridgeEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.MusicOnHoldStartEvent;
import org.asteriskjava.manager.event.MusicOnHoldStopEvent;
import org.asteriskjava.manager.event.NewAccountCodeEvent;
import org.asteriskjava.manager.event.NewConnectedLineEvent;
import org.asteriskjava.manager.event.NewExtenEvent;
import org.asteriskjava.manager.event.RtcpReceivedEvent;
import org.asteriskjava.manager.event.RtcpSentEvent;
import org.asteriskjava.manager.event.SoftHangupRequestEvent;
import org.asteriskjava.manager.event.SuccessfulAuthEvent;
import org.asteriskjava.manager.internal.DozvonReaderSeam;
import org.asteriskjava.manager.internal.ManagerReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asterisk-Java's connection with its own reconnect switched off: on a DisconnectEvent it would
 * start a thread that reconnects at a fixed pace and fights ours. Marking the connection
 * DISCONNECTED first makes Asterisk-Java fail the pending action callbacks and skip that thread.
 * Created and owned only by {@link AmiClient}, one per connection attempt. Its reader is {@link DirectReader}
 * (the library's beans built without its per-header reflection, delivered on the reading thread with
 * backpressure instead of a queue that drops events when full).
 */
final class OwnedConnection extends DozvonReaderSeam {
  private static final Logger log = LoggerFactory.getLogger(OwnedConnection.class);

  /**
   * Event types Dozvon never reads (the mapper returns null for them) that a busy PBX sends often: about a third of
   * a call's events (missed.ami: 27 of 80). Not registered, Asterisk-Java builds no bean for them (its reflection,
   * one setter call per header, is most of what its reader thread spends on an event) and dispatches nothing; they
   * are then not counted in {@code dozvon_ami_events_total} either. The socket drops them before any parsing
   * ({@link BoundedAmiSocket}, its {@code skipTypes}). Only types outside {@link AmiEventMapper}'s table
   * and outside the answers of the actions we send may be here.
   */
  static final List<Class<? extends ManagerEvent>> NEVER_READ = List.of(
      NewExtenEvent.class, NewConnectedLineEvent.class, HangupRequestEvent.class, SoftHangupRequestEvent.class,
      LocalBridgeEvent.class, DialStateEvent.class, SuccessfulAuthEvent.class, ChallengeSentEvent.class,
      NewAccountCodeEvent.class, BridgeCreateEvent.class, BridgeEnterEvent.class, BridgeLeaveEvent.class,
      BridgeDestroyEvent.class, BridgeMergeEvent.class, BridgeVideoSourceUpdateEvent.class,
      MusicOnHoldStartEvent.class, MusicOnHoldStopEvent.class, RtcpSentEvent.class, RtcpReceivedEvent.class,
      DtmfBeginEvent.class, DtmfEndEvent.class, CelEvent.class);

  private final Runnable onDisconnect;
  private final java.util.Set<String> skipped;
  private final BoundedAmiSocket.Limits limits;
  private final BoundedAmiSocket.Counts counts;
  private int connectTimeoutMs;
  private int readTimeoutMs;

  OwnedConnection(Runnable onDisconnect) {
    this(onDisconnect, List.of());
  }

  /** @param ignored event types Asterisk-Java is not to build nor dispatch on this connection (e.g. {@link #NEVER_READ}) */
  OwnedConnection(Runnable onDisconnect, java.util.Collection<Class<? extends ManagerEvent>> ignored) {
    this(onDisconnect, ignored, BoundedAmiSocket.Limits.defaults(), BoundedAmiSocket.Counts.NONE);
  }

  /** @param limits bounds on what is read from the socket ({@link BoundedAmiSocket}), counted in {@code counts} */
  OwnedConnection(Runnable onDisconnect, java.util.Collection<Class<? extends ManagerEvent>> ignored,
                  BoundedAmiSocket.Limits limits, BoundedAmiSocket.Counts counts) {
    this.onDisconnect = onDisconnect;
    this.limits = limits;
    this.counts = counts;
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Class<? extends ManagerEvent> type : ignored) {
      deregisterEventClass(type);
      names.add(eventName(type));
    }
    this.skipped = java.util.Set.copyOf(names);
  }

  /**
   * The AMI name of an event type as Asterisk-Java's {@code EventBuilderImpl.registerEventClass} derives it: the class
   * name in lower case without "event", a user event's with "userevent" before it.
   */
  static String eventName(Class<? extends ManagerEvent> type) {
    String n = type.getSimpleName().toLowerCase(java.util.Locale.ENGLISH);
    if (n.endsWith("event")) {
      n = n.substring(0, n.length() - "event".length());
    }
    if (org.asteriskjava.manager.event.UserEvent.class.isAssignableFrom(type) && !n.startsWith("userevent")) {
      n = "userevent" + n;
    }
    return n;
  }

  /** Our bounded socket instead of Asterisk-Java's unbounded line scanner (docs/AMI_LINK.md, "Bad input"). */
  @Override
  protected org.asteriskjava.util.SocketConnectionFacade createSocket() throws java.io.IOException {
    return new BoundedAmiSocket(getHostname(), getPort(), isSsl(), connectTimeoutMs, readTimeoutMs, limits,
        AmiEventMapper.READ_EVENT_NAMES, skipped, counts);
  }

  @Override
  public void setSocketTimeout(int socketTimeout) {
    super.setSocketTimeout(socketTimeout);
    this.connectTimeoutMs = socketTimeout;
  }

  @Override
  public void setSocketReadTimeout(int socketReadTimeout) {
    super.setSocketReadTimeout(socketReadTimeout);
    this.readTimeoutMs = socketReadTimeout;
  }

  @Override
  protected ManagerReader createReader(Delivery to, Object source, LibraryBuilders library) {
    return new DirectReader(to, source, library);
  }

  @Override
  public void dispatchEvent(ManagerEvent event, Integer requiredHandlingTime) {
    if (event instanceof DisconnectEvent) {
      try (var lock = withLock()) {
        if (state == ManagerConnectionState.CONNECTED) {
          state = ManagerConnectionState.DISCONNECTED;
        }
      }
      super.dispatchEvent(event, requiredHandlingTime);
      onDisconnect.run();
      return;
    }
    super.dispatchEvent(event, requiredHandlingTime);
  }

  /** Blocking: Logoff when asked and still connected, else just close the socket. */
  void shutdown(boolean polite) {
    if (polite && getState() == ManagerConnectionState.CONNECTED) {
      try {
        logoff();
        return;
      } catch (RuntimeException e) {
        log.debug("AMI: logoff failed", e);
      }
    }
    try (var lock = withLock()) {
      state = ManagerConnectionState.DISCONNECTED;
    }
    disconnect();
  }
}
