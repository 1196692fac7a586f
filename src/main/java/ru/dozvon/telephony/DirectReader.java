package ru.dozvon.telephony;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ProtocolIdentifierReceivedEvent;
import org.asteriskjava.manager.internal.DozvonReaderSeam;
import org.asteriskjava.manager.internal.ManagerReader;
import org.asteriskjava.manager.internal.ManagerUtil;
import org.asteriskjava.manager.internal.backwardsCompatibility.BackwardsCompatibilityForManagerEvents;
import org.asteriskjava.manager.response.ManagerResponse;
import org.asteriskjava.util.DateUtil;
import org.asteriskjava.util.SocketConnectionFacade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection's reader (installed through {@link DozvonReaderSeam}): reads the AMI stream line by line, as the
 * library's {@code ManagerReaderImpl} does (the protocol line, {@code Name: value} headers with lower-case names, a
 * repeated header as a list, a blank line ending an event or a response, the {@code Response: Follows} command
 * output), and differs in two ways:
 * <ul>
 *   <li>beans are built by {@link EventBeans} (the library's setters and conversions, looked up once);
 *   <li>each event and response is delivered on this thread, in order, to the connection. The library puts them in
 *       a 20,000-event queue for a second thread and throws them away when it is full, after which the calls in
 *       progress cannot be trusted; here nothing is thrown away: our listener only maps and queues, and when the
 *       telephony loop falls behind it holds this thread ({@link EventHandoff#awaitRoom}), so the socket stops being
 *       read and TCP holds the PBX back.
 * </ul>
 * A block is bounded ({@link #MAX_HEADERS} headers); past that its headers are skipped, the block still ends at its
 * blank line, and it is logged.
 */
final class DirectReader implements ManagerReader {

  private static final Logger log = LoggerFactory.getLogger(DirectReader.class);
  /** Headers kept of one block: a real event has under 60; a stream that never ends a block must not grow memory. */
  static final int MAX_HEADERS = 2000;
  /** Distinct header names whose lower case is remembered (real streams have a few hundred). */
  private static final int MAX_NAMES = 4096;

  private final DozvonReaderSeam.Delivery to;
  private final Object source;
  private final DozvonReaderSeam.LibraryBuilders library;
  private final EventBeans beans;
  private final Map<String, Class<? extends ManagerResponse>> expected = new ConcurrentHashMap<>();
  private final BackwardsCompatibilityForManagerEvents compatibility = new BackwardsCompatibilityForManagerEvents();
  /** Header names as sent and their lower case, an open-addressed table (probed without cutting the name out). */
  private final String[] rawNames = new String[2 * MAX_NAMES];
  private final String[] lowNames = new String[2 * MAX_NAMES];
  private int nameCount;
  /** The block read so far is a {@code Response: Follows} (command output follows). */
  private boolean follows;
  private volatile SocketConnectionFacade socket;
  private volatile boolean die;
  private volatile boolean dead;
  private volatile IOException terminationException;
  private long oversized;

  DirectReader(DozvonReaderSeam.Delivery to, Object source, DozvonReaderSeam.LibraryBuilders library) {
    this.to = to;
    this.source = source;
    this.library = library;
    this.beans = new EventBeans(library);
  }

  @Override
  public void setSocket(SocketConnectionFacade socket) {
    this.socket = socket;
  }

  @Override
  public synchronized void registerEventClass(Class<? extends ManagerEvent> type) {
    beans.registerEventClass(type);
  }

  @Override
  public synchronized void deregisterEventClass(Class<? extends ManagerEvent> type) {
    beans.deregisterEventClass(type);
  }

  @Override
  public void expectResponseClass(String internalActionId, Class<? extends ManagerResponse> responseClass) {
    expected.put(internalActionId, responseClass);
  }

  @Override
  public void die() {
    die = true;
  }

  @Override
  public boolean isDead() {
    return dead;
  }

  @Override
  public IOException getTerminationException() {
    return terminationException;
  }

  @Override
  public void run() {
    SocketConnectionFacade in = socket;
    if (in == null) {
      throw new IllegalStateException("Unable to run: socket is null.");
    }
    die = false;
    dead = false;
    Map<String, Object> block = new HashMap<>();
    try {
      String line;
      while (!die && (line = in.readLine()) != null) {
        if (!line.isEmpty() && (line.charAt(0) == 'A' || line.charAt(0) == 'O' || line.charAt(0) == 'C')
            && (line.startsWith("Asterisk Call Manager/") || line.startsWith("Asterisk Call Manager Proxy/")
            || line.startsWith("Asterisk Manager Proxy/") || line.startsWith("OpenPBX Call Manager/")
            || line.startsWith("CallWeaver Call Manager/"))) {
          ProtocolIdentifierReceivedEvent hello = new ProtocolIdentifierReceivedEvent(source);
          hello.setProtocolIdentifier(line);
          hello.setDateReceived(DateUtil.getDate());
          to.event(hello);
          continue;
        }
        if (follows && line.endsWith("--END COMMAND--")) {
          block.put(COMMAND_RESULT_RESPONSE_KEY, line);
          continue;
        }
        if (!line.isEmpty()) {
          header(block, line);
          continue;
        }
        if (block.containsKey("event")) {
          event(block);
        } else if (block.containsKey("response")) {
          response(block);
        } else if (!block.isEmpty()) {
          log.debug("AMI: a block with neither Event nor Response: {}", block.keySet());
        }
        block.clear();
        follows = false;
      }
      log.debug("AMI: end of stream, reader done");
    } catch (IOException e) {
      terminationException = e;
      log.info("AMI: reader ends: {}", e.getMessage());
    } catch (RuntimeException e) {
      if (terminationException == null) {
        terminationException = new IOException(e);
      }
      log.error("AMI: reader ends on an unexpected error", e);
    } finally {
      dead = true;
      DisconnectEvent bye = new DisconnectEvent(source);
      bye.setDateReceived(DateUtil.getDate());
      to.event(bye);
    }
  }

  private void header(Map<String, Object> block, String line) {
    int colon = line.indexOf(':');
    if (colon < 0) {
      return; // as the library: a line that is no header is skipped
    }
    String name = name(line, colon);
    if (name.isEmpty()) {
      return;
    }
    int from = colon + 1; // the value as String.trim() would leave it, cut once
    int to = line.length();
    while (from < to && line.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && line.charAt(to - 1) <= ' ') {
      to--;
    }
    String value = line.substring(from, to);
    Object had = block.get(name);
    if (had == null) {
      if (block.size() >= MAX_HEADERS) {
        if (oversized++ % 1000 == 0) {
          log.warn("AMI: a block with more than {} headers: the rest of its headers are skipped ({} so far)",
              MAX_HEADERS, oversized);
        }
        return;
      }
      block.put(name, value);
      if (name.equals("response")) {
        follows = value.equals("Follows");
      }
    } else if (had instanceof List<?> list) {
      if (list.size() < MAX_HEADERS) {
        @SuppressWarnings("unchecked")
        List<String> values = (List<String>) list;
        values.add(value);
      }
    } else {
      List<String> values = new ArrayList<>(4);
      values.add(had.toString());
      values.add(value);
      block.put(name, values);
      if (name.equals("response")) {
        follows = false; // a repeated Response is a list: no command output then, as the library reads it
      }
    }
  }

  /**
   * The name of the header {@code line[0, end)} in lower case, trimmed; remembered, as a stream repeats the same few
   * hundred names. Found by hashing the line's first characters in place: no string is cut for a name seen before.
   */
  private String name(String line, int end) {
    int h = 0;
    for (int i = 0; i < end; i++) {
      h = 31 * h + line.charAt(i);
    }
    int mask = rawNames.length - 1;
    int i = (h ^ (h >>> 16)) & mask;
    String raw;
    while ((raw = rawNames[i]) != null) {
      if (raw.length() == end && line.startsWith(raw)) {
        return lowNames[i];
      }
      i = (i + 1) & mask;
    }
    raw = line.substring(0, end);
    String n = raw.toLowerCase(Locale.ENGLISH).trim();
    if (nameCount < MAX_NAMES) { // the table stays at most half full
      rawNames[i] = raw;
      lowNames[i] = n;
      nameCount++;
    }
    return n;
  }

  private void event(Map<String, Object> block) {
    ManagerEvent event;
    synchronized (this) {
      event = beans.build(source, block);
    }
    if (event == null) {
      return;
    }
    event.setDateReceived(DateUtil.getDate());
    to.event(event);
    ManagerEvent legacy = compatibility.handleEvent(event);
    if (legacy != null) {
      to.event(legacy);
    }
  }

  private void response(Map<String, Object> block) {
    Object actionId = block.get("actionid"); // a repeated ActionID is a list: no action of ours then
    String internal = actionId instanceof String id ? ManagerUtil.getInternalActionId(id) : null;
    Class<? extends ManagerResponse> type = internal == null ? null : expected.remove(internal);
    ManagerResponse response = library.buildResponse(type, block);
    if (response != null) {
      response.setDateReceived(DateUtil.getDate());
      to.response(response);
    }
  }
}
