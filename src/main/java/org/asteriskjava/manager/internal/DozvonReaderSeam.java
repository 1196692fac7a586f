package org.asteriskjava.manager.internal;

import java.util.Map;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.response.ManagerResponse;

/**
 * Dozvon's one class inside Asterisk-Java's package (not Asterisk-Java's code): the seam through which the telephony
 * feature gives the connection a reader of its own ({@code ru.dozvon.telephony.DirectReader}). The types a reader is
 * made from ({@code Dispatcher}, the event and response builders) are package-private there, so a connection cannot
 * name them from outside; this class turns them into the two small interfaces below and nothing else. Everything
 * else is the library's own: its connection (login, actions, responses), its socket, its event and response classes.
 *
 * <p>Why a reader of our own: the library's reader builds every event by reflection with a regular expression per
 * header, and hands it to a second thread through a 20,000-event queue that throws events away when full. Ours
 * builds the same beans with the setters looked up once, and delivers on the reading thread into a queue that holds
 * the reader back (TCP backpressure on the PBX) instead of dropping anything.
 */
public abstract class DozvonReaderSeam extends ManagerConnectionImpl {

  /** Where a reader delivers: the connection (responses to waiting actions, events to listeners). */
  public interface Delivery {
    void event(ManagerEvent event);

    void response(ManagerResponse response);
  }

  /** Asterisk-Java's own builders of events and responses, as its reader uses them. */
  public interface LibraryBuilders {
    /** The library's bean for an event's headers (lower-case names), or null (unknown type: logged once there). */
    ManagerEvent buildEvent(Object source, Map<String, Object> attributes);

    void registerEventClass(Class<? extends ManagerEvent> type);

    void deregisterEventClass(Class<? extends ManagerEvent> type);

    /** @param expected the class the action expects (null: a plain response) */
    ManagerResponse buildResponse(Class<? extends ManagerResponse> expected, Map<String, Object> attributes);
  }

  @Override
  protected final ManagerReader createReader(Dispatcher dispatcher, Object source) {
    Delivery to = new Delivery() {
      @Override
      public void event(ManagerEvent event) {
        dispatcher.dispatchEvent(event, null);
      }

      @Override
      public void response(ManagerResponse response) {
        dispatcher.dispatchResponse(response, null);
      }
    };
    return createReader(to, source, libraryBuilders());
  }

  /**
   * The reader of a new connection attempt. Called from the library's constructor paths too (an event class
   * deregistered in a subclass's constructor makes the reader early): use no field of the subclass here.
   */
  protected abstract ManagerReader createReader(Delivery to, Object source, LibraryBuilders library);

  /** Asterisk-Java's own builders (a new pair: each reader has its own registry of event classes). */
  public static LibraryBuilders libraryBuilders() {
    EventBuilderImpl events = new EventBuilderImpl();
    ResponseBuilderImpl responses = new ResponseBuilderImpl();
    return new LibraryBuilders() {
      @Override
      public ManagerEvent buildEvent(Object src, Map<String, Object> attributes) {
        return events.buildEvent(src, attributes);
      }

      @Override
      public void registerEventClass(Class<? extends ManagerEvent> type) {
        events.registerEventClass(type);
      }

      @Override
      public void deregisterEventClass(Class<? extends ManagerEvent> type) {
        events.deregisterEventClass(type);
      }

      @Override
      public ManagerResponse buildResponse(Class<? extends ManagerResponse> expected, Map<String, Object> attributes) {
        return responses.buildResponse(expected, attributes);
      }
    };
  }
}
