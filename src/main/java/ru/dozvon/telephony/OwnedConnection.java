package ru.dozvon.telephony;

import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.internal.ManagerConnectionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asterisk-Java's connection with its own reconnect switched off: on a DisconnectEvent it would
 * start a thread that reconnects at a fixed pace and fights ours. Marking the connection
 * DISCONNECTED first makes Asterisk-Java fail the pending action callbacks and skip that thread.
 * Created and owned only by {@link AmiClient}, one per connection attempt.
 */
final class OwnedConnection extends ManagerConnectionImpl {
  private static final Logger log = LoggerFactory.getLogger(OwnedConnection.class);

  private final Runnable onDisconnect;

  OwnedConnection(Runnable onDisconnect) {
    this.onDisconnect = onDisconnect;
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
