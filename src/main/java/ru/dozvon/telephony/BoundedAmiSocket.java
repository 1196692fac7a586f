package ru.dozvon.telephony;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.asteriskjava.util.SocketConnectionFacade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMI socket with bounds, in place of Asterisk-Java's own ({@code SocketConnectionFacadeImpl}, whose
 * {@code FastScannerCrNl} grows a line without limit until it sees CR LF, and whose reader then keeps every header of
 * a block until its blank line). Asterisk-Java's reader thread calls {@link #readLine()}; what it returns is what
 * Asterisk-Java parses, so the bounds hold for its buffers too:
 *
 * <ul>
 *   <li>a line ends at LF, with or without CR before it (Asterisk sends CR LF; with Asterisk-Java's scanner an
 *       LF-only line is joined to the next CR LF line, and the event after it is lost);</li>
 *   <li>a line longer than {@code maxLineBytes} is dropped whole (read to its end, never held): the event is built
 *       without that header;</li>
 *   <li>a block (event or response) longer than {@code maxEventBytes} is cut there: its later lines are dropped up to
 *       its blank line, the event is built from its first headers (where Asterisk puts Event, Channel, Uniqueid,
 *       Linkedid);</li>
 *   <li>an {@code Event:} header inside a block starts a new block (a blank line is passed before it): a truncated
 *       block no longer swallows the event after it, and Asterisk-Java never sees two Event headers in one block
 *       (which it reads as a list and may fail on, ending the connection);</li>
 *   <li>past {@code maxEventTypes} different event names on one connection, an event of a name not seen yet (and not
 *       one Dozvon reads) is dropped whole: Asterisk-Java remembers each unknown name for the connection's life, and
 *       logs each once;</li>
 *   <li>an event of a type Dozvon never reads ({@code skipTypes}: {@link OwnedConnection#NEVER_READ}, a third of a
 *       busy PBX's events) is dropped whole here, its lines skipped as bytes (no string is made of them, where parsing
 *       them was the largest part of the reader thread's time); only its blank line is passed.</li>
 * </ul>
 * Each of these is counted ({@link Counts}) and logged at WARN at most once per 10 s per kind, with how many it stands
 * for. One instance per connection, read by one thread.
 */
final class BoundedAmiSocket implements SocketConnectionFacade {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedAmiSocket.class);
  private static final String OVERSIZED = new String("line over the cap"); // identity marker

  /** What the bounds did; called on the reader thread. */
  interface Counts {
    void lineTooLong();

    void eventCut();

    void eventTypeDropped();

    Counts NONE = new Counts() {
      @Override
      public void lineTooLong() {
      }

      @Override
      public void eventCut() {
      }

      @Override
      public void eventTypeDropped() {
      }
    };
  }

  /** The bounds (TrackerSettings: telephony.max-line-bytes, max-event-bytes, max-event-types). */
  record Limits(int maxLineBytes, int maxEventBytes, int maxEventTypes) {
    static Limits defaults() {
      TrackerSettings d = TrackerSettings.defaults();
      return new Limits(d.maxLineBytes(), d.maxEventBytes(), d.maxEventTypes());
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final BufferedWriter writer;
  private final Limits limits;
  private final Counts counts;
  private final Set<String> readTypes;
  private final Set<String> skipTypes;
  private final Set<String> seenTypes = new HashSet<>();
  private final LogLimit lineLog = new LogLimit(Clock.systemUTC(), Duration.ofSeconds(10));
  private final LogLimit cutLog = new LogLimit(Clock.systemUTC(), Duration.ofSeconds(10));
  private final LogLimit typeLog = new LogLimit(Clock.systemUTC(), Duration.ofSeconds(10));

  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;
  private byte[] line = new byte[256];
  private int len;

  private boolean blockStart = true;
  private int blockBytes;
  /** The rest of this block is dropped (over the block cap, an event type past the cap, or a type never read). */
  private boolean dropRest;
  /** An Event line met inside a block: the first line of the next block, after the blank line passed for it. */
  private String pending;

  /**
   * @param readTypes lower-case event names Dozvon reads (and its actions' answers): never dropped by the type cap
   * @param skipTypes lower-case event names dropped whole, uncounted (types Dozvon never reads)
   */
  BoundedAmiSocket(String host, int port, boolean ssl, int connectTimeoutMs, int readTimeoutMs, Limits limits,
                   Set<String> readTypes, Set<String> skipTypes, Counts counts) throws IOException {
    for (String t : skipTypes) {
      if (readTypes.contains(t)) {
        throw new IllegalArgumentException("event type '" + t + "' is both read and skipped");
      }
    }
    this.skipTypes = Set.copyOf(skipTypes);
    Socket s = ssl ? SSLSocketFactory.getDefault().createSocket() : SocketFactory.getDefault().createSocket();
    s.setSoTimeout(readTimeoutMs);
    s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
    this.socket = s;
    this.in = s.getInputStream();
    this.writer = new BufferedWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8));
    this.limits = limits;
    this.readTypes = readTypes;
    this.counts = counts;
  }

  @Override
  public String readLine() throws IOException {
    while (true) {
      String l;
      if (pending != null) {
        l = pending;
        pending = null;
      } else if (dropRest && !blockStart) {
        int skipped = skipLine();
        if (skipped < 0) {
          return null;
        }
        if (skipped > 0) {
          continue;
        }
        l = rawLine(); // it may be blank, or an Event header: read as a line
      } else {
        l = rawLine();
      }
      if (l == null) {
        return null;
      }
      if (!blockStart && l != OVERSIZED && isEventHeader(l)) {
        pending = l; // a truncated block: end it here
        l = "";
      }
      if (l.isEmpty()) {
        blockStart = true;
        blockBytes = 0;
        dropRest = false;
        return l; // always passed: it ends what Asterisk-Java holds of the block
      }
      boolean first = blockStart;
      blockStart = false;
      if (dropRest) {
        continue;
      }
      if (l == OVERSIZED) {
        counts.lineTooLong();
        blockBytes += limits.maxLineBytes();
        long suppressed = lineLog.allow();
        if (suppressed >= 0) {
          LOG.warn("AMI: a line over telephony.max-line-bytes ({} bytes) was dropped, the event is kept without it"
              + " ({} such lines since the last report)", limits.maxLineBytes(), suppressed + 1);
        }
        continue;
      }
      String type = first && isEventHeader(l) ? l.substring(l.indexOf(':') + 1).strip() : null;
      if (type != null && !skipTypes.isEmpty() && skipTypes.contains(type.toLowerCase(Locale.ROOT))) {
        dropRest = true; // a type never read: dropped whole, as Asterisk-Java would after parsing it
        continue;
      }
      if (type != null && !admitType(type)) {
        dropRest = true;
        counts.eventTypeDropped();
        long suppressed = typeLog.allow();
        if (suppressed >= 0) {
          LOG.warn("AMI: event '{}' dropped: {} different event names on this connection already"
                  + " (telephony.max-event-types) ({} such events since the last report)",
              abbreviate(type), limits.maxEventTypes(), suppressed + 1);
        }
        continue;
      }
      blockBytes += l.length() + 2;
      if (blockBytes > limits.maxEventBytes()) {
        dropRest = true;
        counts.eventCut();
        long suppressed = cutLog.allow();
        if (suppressed >= 0) {
          LOG.warn("AMI: an event over telephony.max-event-bytes ({} bytes) was cut there, its first headers kept"
              + " ({} such events since the last report)", limits.maxEventBytes(), suppressed + 1);
        }
        continue;
      }
      return l;
    }
  }

  /** {@code Event: ...} as Asterisk-Java reads a header name: case-insensitive, blanks around it ignored. */
  private static boolean isEventHeader(String l) {
    int colon = l.indexOf(':');
    if (colon < 5 || colon > 40) {
      return false;
    }
    int from = 0;
    int to = colon;
    while (from < to && Character.isWhitespace(l.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(l.charAt(to - 1))) {
      to--;
    }
    return to - from == 5 && l.regionMatches(true, from, "event", 0, 5);
  }

  private boolean admitType(String name) {
    if (seenTypes.contains(name)) {
      return true;
    }
    if (seenTypes.size() < limits.maxEventTypes() || readTypes.contains(name.toLowerCase(Locale.ROOT))) {
      seenTypes.add(name);
      return true;
    }
    return false;
  }

  /**
   * Skips the next line of a dropped block as bytes when it can be neither blank nor an Event header (its first
   * byte is no control character, blank, non-ASCII byte, 'e' or 'E'): 1 when skipped, 0 when it is to be read as a
   * line, -1 at the end.
   */
  private int skipLine() throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    byte first = buf[pos];
    if (first <= ' ' || first == 'e' || first == 'E') { // control, blank, or not ASCII (bytes are signed)
      return 0;
    }
    while (true) {
      int i = pos;
      byte[] b = buf;
      while (i < lim && b[i] != '\n') {
        i++;
      }
      if (i < lim) {
        pos = i + 1;
        return 1;
      }
      pos = lim;
      if (!fill()) {
        return -1;
      }
    }
  }

  /** Reads what the socket has into the buffer; false at the end of the stream. */
  private boolean fill() throws IOException {
    int n = in.read(buf);
    if (n < 0) {
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  /** The next line without its LF (and CR before it); {@link #OVERSIZED} for one over the cap; null at the end. */
  private String rawLine() throws IOException {
    len = 0;
    boolean over = false;
    while (true) {
      if (pos == lim && !fill()) {
        return null; // a torn last line of a closed connection is not an event
      }
      int i = pos;
      byte[] b = buf;
      while (i < lim && b[i] != '\n') {
        i++;
      }
      int seg = i - pos;
      if (i < lim && len == 0 && !over && seg <= limits.maxLineBytes()) {
        int start = pos;
        pos = i + 1;
        int end = seg > 0 && b[start + seg - 1] == '\r' ? seg - 1 : seg;
        return new String(b, start, end, StandardCharsets.UTF_8); // the usual case: no copy
      }
      if (!over) {
        if (len + seg > limits.maxLineBytes()) {
          over = true;
          len = 0;
          if (line.length > 4096) {
            line = new byte[256]; // not kept large
          }
        } else {
          append(b, pos, seg);
        }
      }
      if (i < lim) {
        pos = i + 1;
        if (over) {
          return OVERSIZED;
        }
        int end = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
        return new String(line, 0, end, StandardCharsets.UTF_8);
      }
      pos = lim;
    }
  }

  private void append(byte[] b, int from, int n) {
    if (len + n > line.length) {
      byte[] bigger = new byte[Math.max(line.length * 2, len + n)];
      System.arraycopy(line, 0, bigger, 0, len);
      line = bigger;
    }
    System.arraycopy(b, from, line, len, n);
    len += n;
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  @Override
  public void write(String s) throws IOException {
    writer.write(s);
  }

  @Override
  public void flush() throws IOException {
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  @Override
  public boolean isConnected() {
    return socket.isConnected();
  }

  @Override
  public InetAddress getLocalAddress() {
    return socket.getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    return socket.getLocalPort();
  }

  @Override
  public InetAddress getRemoteAddress() {
    return socket.getInetAddress();
  }

  @Override
  public int getRemotePort() {
    return socket.getPort();
  }
}
