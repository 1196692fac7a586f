package ru.dozvon.telephony.testami;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A PBX stand-in for tests: a real TCP server on 127.0.0.1 that speaks the part of AMI that
 * Asterisk-Java 3.41 and Dozvon use (greeting, MD5 Challenge/Login, CoreSettings, Ping, Logoff,
 * CoreShowChannels, QueueStatus, Originate) with real-shaped answers, and replays captured
 * transcripts to the logged-in client. Every ActionID is echoed byte for byte.
 *
 * <p>Failure injection: raw bytes, a connection cut in the middle of an event, a half-open socket
 * (pings no longer answered, nothing closed), dropped connections, and a restart on the same port.
 */
public final class TestAmiServer implements AutoCloseable {

  public static final String GREETING = "Asterisk Call Manager/11.0.0\r\n";
  public static final String AMI_VERSION = "11.0.0";
  public static final String ASTERISK_VERSION = "22.10.1";

  private final AtomicLong nonces = new AtomicLong(1_000_000);
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final List<AmiMessage> actions = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> liveChannels = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> queueParams = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> queueEntries = new CopyOnWriteArrayList<>();
  /** Phone-state lists by action (lower case): each item an event's fields, "Event" first. */
  private final Map<String, List<Map<String, String>>> phoneLists = new ConcurrentHashMap<>();
  private final AtomicInteger acceptedLogins = new AtomicInteger();
  private final AtomicInteger refusedLogins = new AtomicInteger();

  private volatile String user;
  private volatile String secret;
  private volatile byte[] replayOnLogin = new byte[0];
  private volatile boolean answerPings = true;
  private volatile OriginateOutcome originateOutcome = OriginateOutcome.answered();
  private volatile java.util.function.Function<AmiMessage, OriginatePlan> originatePlanner;
  private volatile Consumer<AmiMessage> actionObserver = m -> { };
  private volatile ServerSocket serverSocket;
  private volatile int port;

  private TestAmiServer(String user, String secret) {
    this.user = user;
    this.secret = secret;
  }

  /** Starts listening on an ephemeral port of 127.0.0.1. */
  public static TestAmiServer start(String user, String secret) {
    TestAmiServer server = new TestAmiServer(user, secret);
    server.listen(0);
    return server;
  }

  public int port() {
    return port;
  }

  /** Changes the account the server accepts (takes effect on the next Login). */
  public void credentials(String user, String secret) {
    this.user = user;
    this.secret = secret;
  }

  /** Events to send every client once its version probe (CoreSettings) is answered. */
  public void replayOnLogin(Transcript transcript) {
    this.replayOnLogin = transcript == null ? new byte[0] : transcript.bytes();
  }

  /** When false the server reads Pings and never answers them: a half-open connection. */
  public void answerPings(boolean answer) {
    this.answerPings = answer;
  }

  /** What an Originate leads to; {@link OriginateOutcome#none()} sends no OriginateResponse at all. */
  public void originateOutcome(OriginateOutcome outcome) {
    this.originateOutcome = outcome;
  }

  /**
   * How each Originate is answered from now on, like Asterisk 22: the Response, the channel events of a
   * transcript rewritten for it and the OriginateResponse by ActionID, early, as recorded or late
   * ({@link OriginatePlan}); null goes back to {@link #originateOutcome}.
   */
  public void originatePlans(java.util.function.Function<AmiMessage, OriginatePlan> planner) {
    this.originatePlanner = planner;
  }

  /** A channel that CoreShowChannels reports as live (the fields of one CoreShowChannel event). */
  public void addLiveChannel(Map<String, String> fields) {
    liveChannels.add(new LinkedHashMap<>(fields));
  }

  public void clearLiveChannels() {
    liveChannels.clear();
  }

  public void addQueueParams(Map<String, String> fields) {
    queueParams.add(new LinkedHashMap<>(fields));
  }

  public void addQueueEntry(Map<String, String> fields) {
    queueEntries.add(new LinkedHashMap<>(fields));
  }

  /**
   * An item the phone-state list {@code action} (ExtensionStateList, DeviceStateList, PJSIPShowContacts) answers
   * with, as Asterisk 22 does: {@code event} ExtensionStatus, DeviceStateChange or ContactList. Without any, those
   * actions are refused as unknown (an older PBX).
   */
  public void addPhoneListItem(String action, String event, Map<String, String> fields) {
    Map<String, String> item = new LinkedHashMap<>();
    item.put("Event", event);
    item.putAll(fields);
    phoneLists.computeIfAbsent(action.toLowerCase(Locale.ROOT), k -> new CopyOnWriteArrayList<>()).add(item);
  }

  public void clearPhoneLists() {
    phoneLists.clear();
  }

  /** Called on the server's connection thread for every action received, before it is answered. */
  public void onAction(Consumer<AmiMessage> observer) {
    this.actionObserver = observer == null ? m -> { } : observer;
  }

  /** Every action received so far, all connections, in arrival order. */
  public List<AmiMessage> actions() {
    return List.copyOf(actions);
  }

  public long countActions(String action) {
    return actions.stream().filter(m -> m.is(action)).count();
  }

  public int acceptedLogins() {
    return acceptedLogins.get();
  }

  public int refusedLogins() {
    return refusedLogins.get();
  }

  /** Number of connections that are logged in now. */
  public int loggedInClients() {
    return (int) connections.stream().filter(c -> c.loggedIn).count();
  }

  /** Sends raw bytes to every logged-in client (garbage, a hand-made event, anything). */
  public void sendRaw(String text) {
    sendRaw(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public void sendRaw(byte[] bytes) {
    for (Connection c : connections) {
      if (c.loggedIn) {
        c.write(bytes);
      }
    }
  }

  /** Sends the first bytes of an event, then closes every connection: a cut in the middle of an event. */
  public void cutMidEvent(String partialEvent) {
    for (Connection c : connections) {
      if (c.loggedIn) {
        c.write(partialEvent.getBytes(StandardCharsets.ISO_8859_1));
      }
      c.close();
    }
  }

  /** Closes every client connection; the server goes on listening (the PBX dropped us). */
  public void dropConnections() {
    connections.forEach(Connection::close);
  }

  /** Stops listening and closes every connection: the PBX is down. */
  public void stopListening() {
    closeServerSocket();
    dropConnections();
  }

  /** Listens again on the same port after {@link #stopListening()}. */
  public void restart() {
    listen(port);
  }

  /**
   * Sends {@code count} events to every logged-in client, cycling through the transcript, from a
   * thread of its own (so Pings are still answered between chunks). Returns the sending thread.
   */
  public Thread blast(Transcript transcript, long count) {
    List<byte[]> events = transcript.events();
    byte[] cycle = transcript.bytes();
    Thread t = new Thread(() -> {
      long fullCycles = count / events.size();
      int rest = (int) (count % events.size());
      for (Connection c : connections) {
        if (!c.loggedIn) {
          continue;
        }
        for (long i = 0; i < fullCycles; i++) {
          c.write(cycle);
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        for (int i = 0; i < rest; i++) {
          tail.writeBytes(events.get(i));
        }
        c.write(tail.toByteArray());
      }
    }, "test-ami-blast");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void close() {
    stopListening();
  }

  private void listen(int wanted) {
    try {
      ServerSocket ss = new ServerSocket();
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted));
      serverSocket = ss;
      port = ss.getLocalPort();
      Thread acceptor = new Thread(() -> acceptLoop(ss), "test-ami-accept-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void closeServerSocket() {
    ServerSocket ss = serverSocket;
    if (ss != null) {
      try {
        ss.close();
      } catch (IOException ignored) {
        // closing is all we want
      }
    }
  }

  private void acceptLoop(ServerSocket ss) {
    while (!ss.isClosed()) {
      try {
        Socket socket = ss.accept();
        socket.setTcpNoDelay(true);
        Connection c = new Connection(socket);
        connections.add(c);
        Thread t = new Thread(c::run, "test-ami-conn-" + socket.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // server socket closed
      }
    }
  }

  /** What the PBX reports for an Originate. */
  public record OriginateOutcome(boolean sendEvent, String response, int reason) {
    /** The callee answered: Response Success, Reason 4. */
    public static OriginateOutcome answered() {
      return new OriginateOutcome(true, "Success", 4);
    }

    /** The callee never answered: Response Failure, Reason 3. */
    public static OriginateOutcome noAnswer() {
      return new OriginateOutcome(true, "Failure", 3);
    }

    /** The callee was busy: Response Failure, Reason 5. */
    public static OriginateOutcome busy() {
      return new OriginateOutcome(true, "Failure", 5);
    }

    /** No OriginateResponse is ever sent. */
    public static OriginateOutcome none() {
      return new OriginateOutcome(false, null, 0);
    }
  }

  private final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private volatile boolean loggedIn;
    private String nonce;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    void run() {
      try (socket) {
        write(GREETING.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = new BufferedInputStream(socket.getInputStream());
        AmiMessage m;
        while ((m = readMessage(in)) != null) {
          if (m.headers().isEmpty()) {
            continue;
          }
          actions.add(m);
          actionObserver.accept(m);
          if (!handle(m)) {
            break;
          }
        }
      } catch (IOException e) {
        // the client went away or we were told to close: nothing to report
      } finally {
        loggedIn = false;
        connections.remove(this);
      }
    }

    /** Answers one action; false means close the connection. */
    private boolean handle(AmiMessage m) {
      String id = m.actionId();
      String action = m.action() == null ? "" : m.action().toLowerCase(Locale.ROOT);
      switch (action) {
        case "challenge" -> {
          nonce = Long.toString(nonces.incrementAndGet());
          respond("Success", id, "Challenge", nonce);
        }
        case "login" -> {
          if (checkLogin(m)) {
            loggedIn = true;
            acceptedLogins.incrementAndGet();
            respond("Success", id, "Message", "Authentication accepted");
          } else {
            refusedLogins.incrementAndGet();
            respond("Error", id, "Message", "Authentication failed");
            return false;
          }
        }
        case "coresettings" -> {
          if (!requireLogin(id)) {
            return true;
          }
          respond("Success", id, "AMIversion", AMI_VERSION, "AsteriskVersion", ASTERISK_VERSION,
              "SystemName", "", "CoreMaxCalls", "0", "CoreMaxLoadAvg", "0.000000",
              "CoreRunUser", "", "CoreRunGroup", "", "CoreMaxFilehandles", "0",
              "CoreRealTimeEnabled", "No", "CoreCDRenabled", "Yes", "CoreHTTPenabled", "No",
              "SoundsSearchCustomDir", "No");
          byte[] replay = replayOnLogin;
          if (replay.length > 0) {
            write(replay); // only now: events before the version probe would share its queue
          }
        }
        case "ping" -> {
          if (answerPings && requireLogin(id)) {
            respond("Success", id, "Ping", "Pong", "Timestamp", timestamp());
          }
        }
        case "logoff" -> {
          respond("Goodbye", id, "Message", "Thanks for all the fish.");
          return false;
        }
        case "coreshowchannels" -> {
          if (requireLogin(id)) {
            coreShowChannels(id);
          }
        }
        case "queuestatus" -> {
          if (requireLogin(id)) {
            queueStatus(id);
          }
        }
        case "originate" -> {
          if (requireLogin(id)) {
            originate(m, id);
          }
        }
        case "extensionstatelist", "devicestatelist", "pjsipshowcontacts" -> {
          if (requireLogin(id)) {
            phoneList(action, id);
          }
        }
        default -> respond("Error", id, "Message", "Invalid/unknown command");
      }
      return true;
    }

    private boolean requireLogin(String id) {
      if (!loggedIn) {
        respond("Error", id, "Message", "Permission denied");
      }
      return loggedIn;
    }

    private boolean checkLogin(AmiMessage m) {
      String wantUser = user;
      String wantSecret = secret;
      if (wantUser == null || !wantUser.equals(m.get("username"))) {
        return false;
      }
      String key = m.get("key");
      if (key != null) {
        return nonce != null && key.equalsIgnoreCase(md5Hex(nonce + wantSecret));
      }
      return wantSecret.equals(m.get("secret"));
    }

    private void coreShowChannels(String id) {
      StringBuilder sb = new StringBuilder();
      block(sb, "Response", "Success", id, "EventList", "start", "Message", "Channels will follow");
      for (Map<String, String> ch : liveChannels) {
        event(sb, "CoreShowChannel", id, ch);
      }
      block(sb, "Event", "CoreShowChannelsComplete", id,
          "EventList", "Complete", "ListItems", Integer.toString(liveChannels.size()));
      write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void queueStatus(String id) {
      StringBuilder sb = new StringBuilder();
      block(sb, "Response", "Success", id, "EventList", "start", "Message", "Queue status will follow");
      for (Map<String, String> q : queueParams) {
        event(sb, "QueueParams", id, q);
      }
      for (Map<String, String> e : queueEntries) {
        event(sb, "QueueEntry", id, e);
      }
      block(sb, "Event", "QueueStatusComplete", id, "EventList", "Complete",
          "ListItems", Integer.toString(queueParams.size() + queueEntries.size()));
      write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void phoneList(String action, String id) {
      List<Map<String, String>> items = phoneLists.get(action);
      if (items == null) {
        respond("Error", id, "Message", "Invalid/unknown command");
        return;
      }
      String complete = switch (action) {
        case "extensionstatelist" -> "ExtensionStateListComplete";
        case "devicestatelist" -> "DeviceStateListComplete";
        default -> "ContactListComplete";
      };
      StringBuilder sb = new StringBuilder();
      block(sb, "Response", "Success", id, "EventList", "start", "Message", "List will follow");
      for (Map<String, String> item : items) {
        Map<String, String> fields = new LinkedHashMap<>(item);
        String type = fields.remove("Event");
        event(sb, type, id, fields);
      }
      block(sb, "Event", complete, id, "EventList", "Complete", "ListItems", Integer.toString(items.size()));
      write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void originate(AmiMessage m, String id) {
      var planner = originatePlanner;
      OriginatePlan plan = planner == null ? null : planner.apply(m);
      if (plan != null) {
        play(m, id, plan);
        return;
      }
      respond("Success", id, "Message", "Originate successfully queued");
      OriginateOutcome outcome = originateOutcome;
      if (!outcome.sendEvent()) {
        return;
      }
      Map<String, String> f = new LinkedHashMap<>();
      f.put("Privilege", "call,all");
      f.put("ActionID", id);
      f.put("Response", outcome.response());
      f.put("Channel", nullToEmpty(m.get("channel")));
      f.put("Context", nullToEmpty(m.get("context")));
      f.put("Exten", nullToEmpty(m.get("exten")));
      f.put("Reason", Integer.toString(outcome.reason()));
      f.put("Uniqueid", outcome.reason() == 4 ? "1795551999.42" : "<unknown>");
      f.put("CallerIDNum", "<unknown>");
      f.put("CallerIDName", "<unknown>");
      StringBuilder sb = new StringBuilder("Event: OriginateResponse\r\n");
      f.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
      sb.append("\r\n");
      write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Answers an Originate by its plan; the call's events go from a thread of their own (they may pause). */
    private void play(AmiMessage m, String id, OriginatePlan plan) {
      if (plan.refusal() != null) {
        respond("Error", id, "Message", plan.refusal());
        return;
      }
      long now = System.currentTimeMillis() * 1000;
      // Everything from a thread of its own, the Response first: the reading thread never waits for the socket, so
      // actions are read (and timed, onAction) as they come, however much the calls' events fill the socket.
      Thread t = new Thread(() -> {
        respond("Success", id, "Message", "Originate successfully queued");
        List<byte[]> parts = plan.events(m, now);
        write(parts.get(0));
        if (!plan.hold().isZero()) {
          try {
            Thread.sleep(plan.hold().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        write(parts.get(1));
      }, "test-ami-originate");
      t.setDaemon(true);
      t.start();
    }

    private void respond(String response, String id, String... fields) {
      StringBuilder sb = new StringBuilder();
      block(sb, "Response", response, id, fields);
      write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) {
      synchronized (out) {
        try {
          out.write(bytes);
          out.flush();
        } catch (IOException e) {
          close();
        }
      }
    }

    void close() {
      loggedIn = false;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is all we want
      }
    }
  }

  private static void block(StringBuilder sb, String firstKey, String firstValue, String id, String... fields) {
    sb.append(firstKey).append(": ").append(firstValue).append("\r\n");
    if (id != null) {
      sb.append("ActionID: ").append(id).append("\r\n");
    }
    for (int i = 0; i + 1 < fields.length; i += 2) {
      sb.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
    }
    sb.append("\r\n");
  }

  private static void event(StringBuilder sb, String type, String id, Map<String, String> fields) {
    List<String> kv = new ArrayList<>();
    fields.forEach((k, v) -> {
      kv.add(k);
      kv.add(v);
    });
    block(sb, "Event", type, id, kv.toArray(String[]::new));
  }

  /** Reads one packet (lines up to a blank line); null at end of stream. */
  static AmiMessage readMessage(InputStream in) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    boolean any = false;
    while ((line = readLine(in)) != null) {
      any = true;
      if (line.isEmpty()) {
        return new AmiMessage(headers);
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        String value = line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), value, (a, b) -> a + "\n" + b);
      }
    }
    return any && !headers.isEmpty() ? new AmiMessage(headers) : null;
  }

  /** One line without its CR LF, bytes kept as ISO-8859-1 chars so they round-trip exactly. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = buf.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      buf.write(b);
    }
    return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
  }

  /** Lower-case hex MD5, as Asterisk computes the login key. */
  public static String md5Hex(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String timestamp() {
    long micros = System.currentTimeMillis() * 1000;
    return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
