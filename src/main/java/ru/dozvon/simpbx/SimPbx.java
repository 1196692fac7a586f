package ru.dozvon.simpbx;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Asterisk 22.10.1 behind a real TCP port: the AMI as Dozvon (Asterisk-Java 3.41) uses it, with the
 * answers Asterisk gives, and calls played from captured transcripts with each call's own ids, numbers and
 * operators.
 *
 * <p>Actions: Challenge (MD5) and Login (key or plain secret), Logoff, Ping, Events, CoreSettings, Command
 * ({@code core show version}), CoreShowChannels and Status (the calls in progress), QueueStatus, ExtensionStateList,
 * DeviceStateList, PJSIPShowContacts (the operators' phones, as their states stand), Originate. List actions answer
 * {@code EventList: start}, the items with the action's ActionID, then the {@code ...Complete} event, as Asterisk 22
 * does; anything else is {@code Response: Error}, {@code Message: Invalid/unknown command}.
 *
 * <p>Inbound calls ({@link #call}) ring an operator's phone and are missed (Dial NOANSWER) or answered; Originate is
 * answered with {@code Response: Success}, the operator leg and the customer leg, and the OriginateResponse carrying
 * the action's ActionID, the customer answering by the number's last digit ({@link Customers}). Events go to every
 * logged-in session (with events on) once its version probe is answered.
 */
public final class SimPbx implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimPbx.class);
  public static final String GREETING = "Asterisk Call Manager/11.0.0\r\n";
  static final String AMI_VERSION = "11.0.0";
  static final String ASTERISK_VERSION = "22.10.1";
  private static final int MAX_LINE = 16 * 1024;
  private static final int MAX_HEADERS = 512;

  /**
   * How the PBX is set up.
   *
   * @param host address to listen on (loopback for the demo and tests)
   * @param port 0: any free port
   * @param extensions the operators' extensions whose phones are registered (they take calls and Originates)
   * @param shape channels like the PJSIP capture, the Local one, or either per call
   * @param ring how long an operator's phone rings before an inbound call is missed (the Dial timeout), and the unit
   *     of a customer's ringing on an Originate ({@link Customers#ringFactor})
   * @param talk how long an answered call lasts
   */
  public record Options(String host, int port, String user, String secret, List<String> extensions, Shape shape,
                        Duration ring, Duration talk) {
    public Options {
      extensions = List.copyOf(extensions);
      if (extensions.isEmpty()) {
        throw new IllegalArgumentException("at least one operator extension");
      }
    }

    public static Options defaults(String user, String secret) {
      return new Options("127.0.0.1", 0, user, secret, List.of("101", "102"), Shape.PJSIP, Duration.ofSeconds(5),
          Duration.ofSeconds(8));
    }

    public Options port(int p) {
      return new Options(host, p, user, secret, extensions, shape, ring, talk);
    }

    public Options host(String h) {
      return new Options(h, port, user, secret, extensions, shape, ring, talk);
    }

    public Options extensions(List<String> e) {
      return new Options(host, port, user, secret, e, shape, ring, talk);
    }

    public Options shape(Shape s) {
      return new Options(host, port, user, secret, extensions, s, ring, talk);
    }

    public Options timing(Duration ringTime, Duration talkTime) {
      return new Options(host, port, user, secret, extensions, shape, ringTime, talkTime);
    }

    @Override
    public String toString() {
      return "Options[host=" + host + ", port=" + port + ", user=" + user + ", secret=***, extensions=" + extensions
          + ", shape=" + shape + ", ring=" + ring + ", talk=" + talk + "]";
    }
  }

  /** A call the PBX played: its customer, whether it was missed, its Linkedid and the operator rung. */
  public record SimCall(String customer, boolean missed, String linkedid, String operator, String template) {
  }

  private final Options options;
  private final Counters counters = new Counters();
  private final Random random = new Random();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Map<String, Map<String, String>> liveChannels = new ConcurrentHashMap<>();
  private final Map<String, String> deviceStates = new ConcurrentHashMap<>();
  private final ScheduledExecutorService player;
  private final AtomicLong nonces = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000, 9_000_000));
  private final AtomicLong inbound = new AtomicLong();
  private final AtomicLong missed = new AtomicLong();
  private final AtomicLong originates = new AtomicLong();
  private final Map<Customers.Answer, AtomicLong> byAnswer = new EnumMap<>(Customers.Answer.class);
  private final AtomicInteger logins = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger nextOperator = new AtomicInteger();
  private final long startedAt = System.currentTimeMillis();
  private final Map<Shape, List<Template>> missedTemplates = new EnumMap<>(Shape.class);
  private final Map<Shape, List<Template>> answeredTemplates = new EnumMap<>(Shape.class);
  private final Map<Shape, Map<Customers.Answer, Template>> originateTemplates = new EnumMap<>(Shape.class);
  private final Template unregistered;
  private final ServerSocket server;

  private SimPbx(Options options) throws IOException {
    this.options = options;
    for (Customers.Answer a : Customers.Answer.values()) {
      byAnswer.put(a, new AtomicLong());
    }
    missedTemplates.put(Shape.PJSIP, List.of(Template.load("simpbx/pjsip/missed.ami", Shape.PJSIP)));
    missedTemplates.put(Shape.LOCAL, List.of(Template.load("simpbx/local/missed.ami", Shape.LOCAL),
        Template.load("simpbx/local/queue_abandon.ami", Shape.LOCAL)));
    answeredTemplates.put(Shape.PJSIP, List.of(Template.load("simpbx/pjsip/answered.ami", Shape.PJSIP),
        Template.load("simpbx/pjsip/queue_answered.ami", Shape.PJSIP)));
    answeredTemplates.put(Shape.LOCAL, List.of(Template.load("simpbx/local/answered.ami", Shape.LOCAL),
        Template.load("simpbx/local/queue_answered.ami", Shape.LOCAL)));
    Template congestion = Template.load("simpbx/pjsip/c2c_congestion.ami", Shape.PJSIP);
    Template unavailable = Template.load("simpbx/pjsip/c2c_unavailable.ami", Shape.PJSIP);
    Map<Customers.Answer, Template> pjsip = new EnumMap<>(Customers.Answer.class);
    pjsip.put(Customers.Answer.ANSWER, Template.load("simpbx/pjsip/c2c_answer.ami", Shape.PJSIP));
    pjsip.put(Customers.Answer.NOANSWER, Template.load("simpbx/pjsip/c2c_noanswer.ami", Shape.PJSIP));
    pjsip.put(Customers.Answer.BUSY, Templates.busy("simpbx/pjsip/c2c_noanswer.ami"));
    pjsip.put(Customers.Answer.CONGESTION, congestion);
    pjsip.put(Customers.Answer.CHANUNAVAIL, unavailable);
    Map<Customers.Answer, Template> local = new EnumMap<>(Customers.Answer.class);
    local.put(Customers.Answer.ANSWER, Template.load("simpbx/local/c2c_answer.ami", Shape.LOCAL));
    local.put(Customers.Answer.NOANSWER, Template.load("simpbx/local/c2c_noanswer.ami", Shape.LOCAL));
    local.put(Customers.Answer.BUSY, Template.load("simpbx/local/c2c_busy.ami", Shape.LOCAL));
    local.put(Customers.Answer.CONGESTION, congestion); // no Local capture of these: the PJSIP ones, renamed
    local.put(Customers.Answer.CHANUNAVAIL, unavailable);
    originateTemplates.put(Shape.PJSIP, pjsip);
    originateTemplates.put(Shape.LOCAL, local);
    unregistered = Template.load("simpbx/pjsip/c2c_operator_unregistered.ami", Shape.PJSIP);
    for (String ext : options.extensions()) {
      if (options.shape() != Shape.LOCAL) {
        deviceStates.put(Shape.PJSIP.device(ext), "NOT_INUSE");
      }
      if (options.shape() != Shape.PJSIP) {
        deviceStates.put(Shape.LOCAL.device(ext), "NOT_INUSE");
      }
    }
    player = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simpbx-calls");
      t.setDaemon(true);
      return t;
    });
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(options.host()), options.port()));
    Thread acceptor = new Thread(this::acceptLoop, "simpbx-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts listening; fails if the port is taken. */
  public static SimPbx start(Options options) {
    try {
      return new SimPbx(options);
    } catch (IOException e) {
      throw new UncheckedIOException("simulated PBX cannot listen on " + options.host() + ":" + options.port()
          + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  public Options options() {
    return options;
  }

  /** Sessions logged in now. */
  public int clients() {
    return (int) connections.stream().filter(c -> c.loggedIn).count();
  }

  /** Sessions that receive events now (logged in, version probe answered, events on). */
  public int listeningClients() {
    return (int) connections.stream().filter(Connection::listening).count();
  }

  /** Waits until a session receives events; false on time-out. */
  public boolean awaitListener(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (listeningClients() == 0) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  public int acceptedLogins() {
    return logins.get();
  }

  public int refusedLogins() {
    return refused.get();
  }

  public long inboundCalls() {
    return inbound.get();
  }

  public long missedCalls() {
    return missed.get();
  }

  public long originates() {
    return originates.get();
  }

  /** Originates whose customer leg ended so. */
  public long originates(Customers.Answer answer) {
    return byAnswer.get(answer).get();
  }

  /** The state of a device as this PBX reports it (NOT_INUSE, RINGING, INUSE...), or null if unknown. */
  public String deviceState(String device) {
    return deviceStates.get(device);
  }

  /** Channels up now (what CoreShowChannels lists). */
  public int liveChannels() {
    return liveChannels.size();
  }

  /** An inbound call of the configured shape (MIXED: either) ringing the next operator. */
  public SimCall call(String customer, boolean missedCall) {
    Shape s = options.shape() == Shape.MIXED ? (random.nextBoolean() ? Shape.PJSIP : Shape.LOCAL) : options.shape();
    return call(customer, missedCall, s);
  }

  /** An inbound call from {@code customer} to the company number, missed or answered by an operator. */
  public SimCall call(String customer, boolean missedCall, Shape shape) {
    if (shape == Shape.MIXED) {
      throw new IllegalArgumentException("a call has one shape");
    }
    List<Template> choices = (missedCall ? missedTemplates : answeredTemplates).get(shape);
    Template t = choices.get(random.nextInt(choices.size()));
    List<String> exts = pickOperators(t.exts.size(), shape);
    List<String> devices = exts.stream().map(shape::device).toList();
    Binding b = new Binding(t, counters, random, exts, devices, customer);
    inbound.incrementAndGet();
    if (missedCall) {
      missed.incrementAndGet();
    }
    play(b, jitter(options.ring()), missedCall ? Duration.ZERO : jitter(options.talk()));
    return new SimCall(customer, missedCall, b.ids.length > 0 ? b.ids[0] : null, exts.get(0), t.name);
  }

  private List<String> pickOperators(int n, Shape shape) {
    List<String> all = options.extensions();
    List<String> picked = new ArrayList<>();
    int start = Math.floorMod(nextOperator.getAndIncrement(), all.size());
    // prefer phones that are free, as a ring group would
    for (int i = 0; i < all.size() && picked.size() < n; i++) {
      String e = all.get((start + i) % all.size());
      if ("NOT_INUSE".equals(deviceStates.getOrDefault(shape.device(e), "NOT_INUSE"))) {
        picked.add(e);
      }
    }
    for (int i = 0; picked.size() < Math.max(n, 1); i++) {
      picked.add(all.get((start + i) % all.size()));
    }
    return picked;
  }

  private Duration jitter(Duration d) {
    if (d.isZero()) {
      return d;
    }
    long ms = d.toMillis();
    return Duration.ofMillis(ms / 2 + (long) (random.nextDouble() * ms));
  }

  /** Plays a call's three parts: now, after the ringing, after the conversation. */
  private void play(Binding b, Duration ring, Duration talk) {
    Template t = b.template;
    long ringMs = ring.toMillis();
    long talkMs = talk.toMillis();
    player.execute(() -> send(b, 0, 0, t.ringEnds));
    player.schedule(() -> send(b, 1, t.ringEnds, t.talkEnds), ringMs, TimeUnit.MILLISECONDS);
    player.schedule(() -> send(b, 2, t.talkEnds, t.blocks.size()), ringMs + talkMs, TimeUnit.MILLISECONDS);
  }

  private void send(Binding b, int part, int from, int to) {
    if (from >= to) {
      return;
    }
    try {
      Template t = b.template;
      long now = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
      long shift = t.partStart[part] == 0 ? 0 : now - t.partStart[part];
      long dateShift = t.partStart[part] != 0 ? shift / 1_000_000
          : t.firstDate == 0 ? 0 : now / 1_000_000 - t.firstDate;
      StringBuilder sb = new StringBuilder(8192);
      b.render(from, to, shift, dateShift, sb, this::observe);
      broadcast(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    } catch (RuntimeException e) {
      LOG.error("simulated PBX: a call could not be played: {}", e.toString(), e);
    }
  }

  private void observe(String type, String[] keys, String[] values) {
    switch (type) {
      case "DeviceStateChange" -> {
        String device = find(keys, values, "Device");
        String state = find(keys, values, "State");
        if (device != null && state != null && !device.contains("pstn-trunk") && !device.contains("@from-trunk")) {
          deviceStates.put(device, state);
        }
      }
      case "Newchannel" -> {
        Map<String, String> ch = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
          if (!keys[i].equalsIgnoreCase("Event") && !keys[i].equalsIgnoreCase("Privilege")
              && !keys[i].equalsIgnoreCase("Timestamp")) {
            ch.put(keys[i], values[i]);
          }
        }
        ch.put("_since", Long.toString(System.currentTimeMillis()));
        String id = ch.get("Uniqueid");
        if (id != null) {
          liveChannels.put(id, ch);
        }
      }
      case "Newstate" -> {
        String id = find(keys, values, "Uniqueid");
        Map<String, String> ch = id == null ? null : liveChannels.get(id);
        if (ch != null) {
          ch.put("ChannelState", find(keys, values, "ChannelState"));
          ch.put("ChannelStateDesc", find(keys, values, "ChannelStateDesc"));
        }
      }
      default -> { // Hangup
        String id = find(keys, values, "Uniqueid");
        if (id != null) {
          liveChannels.remove(id);
        }
      }
    }
  }

  private static String find(String[] keys, String[] values, String key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equalsIgnoreCase(key)) {
        return values[i];
      }
    }
    return null;
  }

  private void broadcast(byte[] bytes) {
    for (Connection c : connections) {
      if (c.listening()) {
        c.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing is all we want
    }
    connections.forEach(Connection::close);
    player.shutdownNow();
  }

  /** Closes every session (the PBX dropped its clients); it goes on listening. */
  public void dropClients() {
    connections.forEach(Connection::close);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        Connection c = new Connection(s);
        connections.add(c);
        Thread t = new Thread(c::run, "simpbx-session-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("simulated PBX: accept failed: {}", e.getMessage());
        }
      }
    }
  }

  private Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** One AMI session. */
  private final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private volatile boolean loggedIn;
    private volatile boolean ready;
    private volatile boolean events = true;
    private String nonce;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    boolean listening() {
      return loggedIn && ready && events;
    }

    void run() {
      try (socket) {
        write(GREETING.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = new BufferedInputStream(socket.getInputStream());
        Action a;
        while ((a = Action.read(in, MAX_LINE, MAX_HEADERS)) != null) {
          if (a.isEmpty()) {
            continue;
          }
          if (!handle(a)) {
            break;
          }
        }
      } catch (IOException e) {
        // the client went away, or sent something no AMI client sends (a line too long): the session ends
        LOG.debug("simulated PBX: session ended: {}", e.getMessage());
      } finally {
        loggedIn = false;
        connections.remove(this);
      }
    }

    private boolean handle(Action a) {
      String id = a.get("actionid");
      String action = a.get("action") == null ? "" : a.get("action").toLowerCase(Locale.ROOT);
      if (!loggedIn && !Set.of("challenge", "login", "logoff").contains(action)) {
        respond("Error", id, "Message", "Authentication Required");
        return true;
      }
      if (loggedIn && !action.equals("login") && !action.equals("challenge")) {
        ready = ready || !action.equals("coresettings");
      }
      switch (action) {
        case "challenge" -> {
          if (!"md5".equalsIgnoreCase(a.get("authtype"))) {
            respond("Error", id, "Message", "Must specify AuthType");
          } else {
            nonce = Long.toString(nonces.incrementAndGet());
            respond("Success", id, "Challenge", nonce);
          }
        }
        case "login" -> {
          if (!checkLogin(a)) {
            refused.incrementAndGet();
            respond("Error", id, "Message", "Authentication failed");
            return false;
          }
          loggedIn = true;
          logins.incrementAndGet();
          String ev = a.get("events");
          events = ev == null || !ev.equalsIgnoreCase("off");
          respond("Success", id, "Message", "Authentication accepted");
        }
        case "logoff" -> {
          respond("Goodbye", id, "Message", "Thanks for all the fish.");
          return false;
        }
        case "ping" -> respond("Success", id, "Ping", "Pong", "Timestamp", timestamp());
        case "events" -> {
          String mask = a.get("eventmask");
          events = mask == null || !mask.equalsIgnoreCase("off");
          respond("Success", id, "Events", events ? "On" : "Off");
        }
        case "coresettings" -> {
          respond("Success", id, "AMIversion", AMI_VERSION, "AsteriskVersion", ASTERISK_VERSION,
              "SystemName", "", "CoreMaxCalls", "0", "CoreMaxLoadAvg", "0.000000",
              "CoreRunUser", "", "CoreRunGroup", "", "CoreMaxFilehandles", "0",
              "CoreRealTimeEnabled", "No", "CoreCDRenabled", "Yes", "CoreHTTPenabled", "No",
              "SoundsSearchCustomDir", "No");
          ready = true; // events only now: before the version probe they would share its queue
        }
        case "command" -> {
          String cmd = a.get("command") == null ? "" : a.get("command").strip();
          if (cmd.equalsIgnoreCase("core show version")) {
            respond("Success", id, "Message", "Command output follows",
                "Output", "Asterisk " + ASTERISK_VERSION + " built by dozvon-simpbx");
          } else {
            respond("Error", id, "Message", "Command output follows", "Output", "No such command '" + cmd + "'");
          }
        }
        case "coreshowchannels" -> list(id, "Channels will follow", "CoreShowChannel", channelItems(true),
            "CoreShowChannelsComplete");
        case "status" -> list(id, "Channel status will follow", "Status", channelItems(false), "StatusComplete");
        case "queuestatus" -> list(id, "Queue status will follow", "QueueParams", List.of(), "QueueStatusComplete");
        case "extensionstatelist" -> list(id, "Extension Statuses will follow", "ExtensionStatus", extensionItems(),
            "ExtensionStateListComplete");
        case "devicestatelist" -> list(id, "Device State Changes will follow", "DeviceStateChange", deviceItems(),
            "DeviceStateListComplete");
        case "pjsipshowcontacts" -> list(id, "A listing of Contacts follows, presented as ContactList events",
            "ContactList", contactItems(), "ContactListComplete");
        case "originate" -> originate(a, id);
        default -> respond("Error", id, "Message", "Invalid/unknown command");
      }
      return true;
    }

    private boolean checkLogin(Action a) {
      if (!options.user().equals(a.get("username"))) {
        return false;
      }
      String key = a.get("key");
      if (key != null) {
        return nonce != null && key.equalsIgnoreCase(md5Hex(nonce + options.secret()));
      }
      return options.secret().equals(a.get("secret"));
    }

    private void originate(Action a, String id) {
      String channel = a.get("channel");
      String exten = a.get("exten");
      if (channel == null || channel.isBlank() || exten == null || exten.isBlank()) {
        respond("Error", id, "Message", channel == null || channel.isBlank() ? "Channel not specified"
            : "Exten not specified");
        return;
      }
      respond("Success", id, "Message", "Originate successfully queued");
      originates.incrementAndGet();
      String ext = extensionOf(channel);
      Shape shape = channel.startsWith("Local/") ? Shape.LOCAL : Shape.PJSIP;
      Template t;
      Customers.Answer answer = Customers.byNumber(exten);
      if (ext == null || !options.extensions().contains(ext)) {
        t = unregistered; // no such phone registered: Asterisk cannot make the channel
      } else {
        t = originateTemplates.get(shape).get(answer);
        byAnswer.get(answer).incrementAndGet();
      }
      Binding b = new Binding(t, counters, random, List.of(ext == null ? "" : ext), List.of(channel), exten);
      b.actionId = id == null ? "" : id;
      b.context = a.get("context") == null ? "click-to-call" : a.get("context");
      b.variables = a.all("variable");
      Duration ring = Duration.ofMillis((long) (options.ring().toMillis() * Customers.ringFactor(exten)));
      play(b, t == unregistered ? Duration.ZERO : ring,
          t != unregistered && answer == Customers.Answer.ANSWER ? jitter(options.talk()) : Duration.ZERO);
    }

    private List<Map<String, String>> channelItems(boolean coreShow) {
      List<Map<String, String>> items = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (Map<String, String> ch : liveChannels.values()) {
        Map<String, String> m = new LinkedHashMap<>(ch);
        long since = Long.parseLong(m.remove("_since"));
        long secs = (now - since) / 1000;
        if (coreShow) {
          m.put("Application", "Dial");
          m.put("ApplicationData", "");
          m.put("Duration", String.format(Locale.ROOT, "%02d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60));
          m.put("BridgeId", "");
        } else {
          m.put("Type", m.getOrDefault("Channel", "").startsWith("Local/") ? "Local" : "PJSIP");
          m.put("Seconds", Long.toString(secs));
        }
        items.add(m);
      }
      return items;
    }

    private List<Map<String, String>> extensionItems() {
      List<Map<String, String>> items = new ArrayList<>();
      for (String ext : options.extensions()) {
        String device = (options.shape() == Shape.LOCAL ? Shape.LOCAL : Shape.PJSIP).device(ext);
        String state = deviceStates.getOrDefault(device, "NOT_INUSE");
        String[] status = switch (state) {
          case "INUSE", "BUSY" -> new String[] {"1", "InUse"};
          case "RINGING" -> new String[] {"8", "Ringing"};
          case "RINGINUSE" -> new String[] {"9", "InUse&Ringing"};
          case "ONHOLD" -> new String[] {"16", "Hold"};
          case "UNAVAILABLE" -> new String[] {"4", "Unavailable"};
          default -> new String[] {"0", "Idle"};
        };
        items.add(ordered("Exten", ext, "Context", "operators", "Hint", device, "Status", status[0],
            "StatusText", status[1]));
      }
      return items;
    }

    private List<Map<String, String>> deviceItems() {
      List<Map<String, String>> items = new ArrayList<>();
      deviceStates.forEach((device, state) -> items.add(ordered("Device", device, "State", state)));
      return items;
    }

    private List<Map<String, String>> contactItems() {
      List<Map<String, String>> items = new ArrayList<>();
      int port = 5062;
      for (String ext : options.extensions()) {
        String uri = "sip:" + ext + "@127.0.0.1:" + port++;
        items.add(ordered("ObjectType", "contact", "ObjectName", ext + "/" + uri, "ViaAddr", "127.0.0.1",
            "ViaPort", "0", "QualifyTimeout", "3.000000", "CallId", "sim-" + ext, "RegServer", "",
            "PruneOnBoot", "no", "Path", "", "Endpoint", ext, "AuthenticateQualify", "false", "Uri", uri,
            "QualifyFrequency", "60", "UserAgent", "Dozvon simulated softphone", "ExpirationTime",
            Long.toString(System.currentTimeMillis() / 1000 + 3600), "OutboundProxy", "", "Status", "Reachable",
            "RoundtripUsec", "1200", "Aor", ext));
      }
      return items;
    }

    /** A list action's answer as Asterisk 22 gives it: start, items, Complete with ListItems. */
    private void list(String id, String message, String itemEvent, List<Map<String, String>> items,
                      String complete) {
      StringBuilder sb = new StringBuilder();
      block(sb, "Response", "Success", id, ordered("EventList", "start", "Message", message));
      for (Map<String, String> item : items) {
        block(sb, "Event", itemEvent, id, item);
      }
      Map<String, String> done = ordered("EventList", "Complete", "ListItems", Integer.toString(items.size()));
      if (complete.equals("StatusComplete")) {
        done.put("Items", Integer.toString(items.size()));
      }
      block(sb, "Event", complete, id, done);
      write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void respond(String response, String id, String... fields) {
      StringBuilder sb = new StringBuilder();
      block(sb, "Response", response, id, ordered(fields));
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

  private static void block(StringBuilder sb, String firstKey, String firstValue, String id,
                            Map<String, String> fields) {
    sb.append(firstKey).append(": ").append(firstValue).append("\r\n");
    if (id != null) {
      sb.append("ActionID: ").append(id).append("\r\n");
    }
    fields.forEach((k, v) -> sb.append(k).append(": ").append(v == null ? "" : v).append("\r\n"));
    sb.append("\r\n");
  }

  /** {@code PJSIP/101} -> 101, {@code Local/101@from-internal} -> 101, {@code SIP/101} -> 101. */
  static String extensionOf(String device) {
    int slash = device.indexOf('/');
    if (slash < 0) {
      return null;
    }
    String rest = device.substring(slash + 1);
    int at = rest.indexOf('@');
    return at < 0 ? rest : rest.substring(0, at);
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
    StringBuilder sb = new StringBuilder();
    Binding.timestamp(System.currentTimeMillis() * 1000, sb);
    return sb.toString();
  }

  /** One action as received: header names lower-cased, every value of a repeated header kept in order. */
  static final class Action {
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    boolean isEmpty() {
      return headers.isEmpty();
    }

    String get(String key) {
      List<String> v = headers.get(key);
      return v == null ? null : v.get(0);
    }

    List<String> all(String key) {
      return headers.getOrDefault(key, List.of());
    }

    /** Reads one packet (lines up to a blank line); null at the end of the stream. */
    static Action read(InputStream in, int maxLine, int maxHeaders) throws IOException {
      Action a = new Action();
      String line;
      boolean any = false;
      int count = 0;
      while ((line = readLine(in, maxLine)) != null) {
        any = true;
        if (line.isEmpty()) {
          return a;
        }
        int colon = line.indexOf(':');
        if (colon > 0 && ++count <= maxHeaders) {
          String value = line.substring(colon + 1);
          if (value.startsWith(" ")) {
            value = value.substring(1);
          }
          a.headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              k -> new ArrayList<>()).add(value);
        }
      }
      return any && !a.isEmpty() ? a : null;
    }

    private static String readLine(InputStream in, int max) throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          byte[] bytes = buf.toByteArray();
          int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
        }
        if (buf.size() >= max) {
          throw new IOException("a line longer than " + max + " bytes");
        }
        buf.write(b);
      }
      return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
