package ru.dozvon.telephony;

import java.util.List;

/**
 * Receives what {@link AmiClient} hears from the PBX. Every method is called on the Vert.x context
 * that started the client, never on an Asterisk-Java thread, one call at a time and in the order the
 * PBX sent the events.
 *
 * @param <E> the type the mapper turns Asterisk-Java events into
 */
public interface AmiListener<E> {

  /** Mapped events, oldest first. The list is the listener's to keep. */
  void onEvents(List<E> batch);

  /**
   * A connection was established (first time or again). Called before any event of this
   * connection and before the resync answers (CoreShowChannels, QueueStatus), so the consumer
   * can open a resync round here.
   */
  void onConnected();

  /**
   * The connection was lost; every event that arrived on it has been delivered before this call.
   * The client is reconnecting.
   */
  void onDisconnected(String reason);

  /**
   * The resync answers of the current connection have all passed through {@link #onEvents}
   * (both CoreShowChannelsComplete and QueueStatusComplete, or an error answer in their place):
   * what was live on the PBX is now known, so a resync round can be closed.
   */
  default void onResyncComplete() {
  }
}
