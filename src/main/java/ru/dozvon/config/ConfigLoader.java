package ru.dozvon.config;

import ru.dozvon.store.DbUrl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import ru.dozvon.deals.FunnelConfig;
import ru.dozvon.dialing.RetryConfig;
import ru.dozvon.intake.IntakeConfig;
import ru.dozvon.notify.WebhookPolicy;
import ru.dozvon.routing.RoutingConfig;
import ru.dozvon.dialing.DialerConfig;
import ru.dozvon.telephony.AmiSettings;
import ru.dozvon.telephony.OriginateSettings;
import ru.dozvon.telephony.TrackerSettings;

/**
 * Reads the settings: {@code config/application.yaml} (from the working folder, or the copy inside
 * the jar), then the file named by {@code DOZVON_CONFIG}, then environment variables; later wins.
 * Every bad value fails with a {@link ConfigException} naming the key, the value and the form.
 */
public final class ConfigLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** Environment variable -> settings path. */
  static final Map<String, String> ENV = Map.ofEntries(
      Map.entry("DOZVON_HTTP_PORT", "http.port"),
      Map.entry("DOZVON_HTTP_MAX_BODY_BYTES", "http.maxBodyBytes"),
      Map.entry("DOZVON_DB_URL", "database.url"),
      Map.entry("DOZVON_DATA_DIR", "database.dataDir"),
      Map.entry("DOZVON_DB_POOL_SIZE", "database.poolSize"),
      Map.entry("DOZVON_DB_CALL_TRANSACTIONS", "database.callTransactions"),
      Map.entry("DOZVON_AMI_HOST", "ami.host"),
      Map.entry("DOZVON_AMI_PORT", "ami.port"),
      Map.entry("DOZVON_AMI_USER", "ami.user"),
      Map.entry("DOZVON_AMI_SECRET", "ami.secret"),
      Map.entry("DOZVON_INBOUND_CONTEXTS", "ami.inboundContexts"),
      Map.entry("DOZVON_ORIGINATE_CONTEXT", "ami.originateContext"),
      Map.entry("DOZVON_OPERATOR_DIAL", "telephony.operator_dial"),
      Map.entry("DOZVON_RECORDINGS_DIR", "telephony.recordings_dir"),
      Map.entry("DOZVON_ADMIN_TOKEN", "auth.adminToken"),
      Map.entry("DOZVON_ADMIN_PASSWORD", "auth.adminPassword"),
      Map.entry("DOZVON_SESSION_IDLE", "auth.sessionIdle"),
      Map.entry("DOZVON_SESSION_MAX_AGE", "auth.sessionMaxAge"),
      Map.entry("DOZVON_SESSION_CHECK", "auth.sessionCheck"),
      Map.entry("DOZVON_STREAM_REPLAY_EVENTS", "stream.replay_events"),
      Map.entry("DOZVON_STREAM_REPLAY_MAX_AGE", "stream.replay_max_age"),
      Map.entry("DOZVON_TIMEZONE", "retry.calling_window.timezone"),
      Map.entry("DOZVON_CALLING_HOURS", "retry.calling_window.hours"),
      Map.entry("DOZVON_CALLING_DAYS", "retry.calling_window.days"),
      Map.entry("DOZVON_WEBHOOK_ALLOW_PRIVATE", "notify.webhook_allow_private"),
      Map.entry("DOZVON_WEBHOOK_ALLOWED_HOSTS", "notify.webhook_allowed_hosts"),
      Map.entry("DOZVON_COMPANY_CALLER_ID", "telephony.company_caller_id"),
      Map.entry("DOZVON_AUTODIAL", "dialer.auto_dial"),
      Map.entry("DOZVON_CDR_ENABLED", "telephony.cdr.enabled"),
      Map.entry("DOZVON_CDR_DB_URL", "telephony.cdr.db_url"),
      Map.entry("DOZVON_CDR_TABLE", "telephony.cdr.table"),
      Map.entry("DOZVON_CDR_EVERY", "telephony.cdr.every"),
      Map.entry("DOZVON_CDR_TIMEZONE", "telephony.cdr.timezone"),
      Map.entry("DOZVON_LIVE_SERVICE_LEVEL_SECONDS", "live.service_level_seconds"),
      Map.entry("DOZVON_LIVE_SERVICE_LEVEL_TARGET", "live.service_level_target"),
      Map.entry("DOZVON_LIVE_BACKLOG_RED_AFTER", "live.backlog_red_after"),
      Map.entry("DOZVON_LIVE_ABANDON_RATE_RED_ABOVE", "live.abandon_rate_red_above"),
      Map.entry("DOZVON_LIVE_LONGEST_WAIT_RED_AFTER", "live.longest_wait_red_after"),
      Map.entry("DOZVON_LIVE_SPEED_TO_LEAD_RED_AFTER", "live.speed_to_lead_red_after"),
      Map.entry("DOZVON_JOURNAL", "telephony.journal.enabled"),
      Map.entry("DOZVON_JOURNAL_FSYNC", "telephony.journal.fsync"),
      Map.entry("DOZVON_JOURNAL_MAX_SIZE", "telephony.journal.max_size"),
      Map.entry("DOZVON_MAX_BUFFERED_CALLS", "telephony.journal.max_buffered_calls"),
      Map.entry("DOZVON_DEMO", "demo.enabled"),
      Map.entry("DOZVON_DEMO_RATE", "demo.rate"),
      Map.entry("DOZVON_DEMO_MISSED", "demo.missed_share"));

  /** Per-source secrets of the signed form webhooks: {@code DOZVON_WEBHOOK_SECRET_<SOURCE>}. */
  static final String WEBHOOK_SECRET_PREFIX = "DOZVON_WEBHOOK_SECRET_";

  /** Variables read elsewhere (logback) or by this loader itself. */
  private static final Set<String> OTHER_VARIABLES = Set.of("DOZVON_CONFIG", "DOZVON_LOG_LEVEL");

  private static final Set<String> AMI_TIMINGS = Set.of("connectTimeout", "socketReadTimeout", "pingInterval",
      "pingTimeout", "reconnectMin", "reconnectMax");
  private static final Set<String> SECRETS = Set.of("ami.secret", "auth.adminToken", "auth.adminPassword",
      "database.url", "telephony.cdr.db_url");
  private static final Pattern DB_URL = Pattern.compile(
      "(?:jdbc:)?postgres(?:ql)?://(?:([^:@/]+)(?::([^@/]*))?@)?([^:/?#]+)(?::(\\d{1,5}))?/([^/?#]+)");

  private ConfigLoader() {
  }

  /** Loads from the process environment and the working folder. */
  public static AppConfig load() {
    return load(System.getenv(), Path.of(""));
  }

  /** Loads with the given environment, resolving {@code config/application.yaml} under {@code workDir}. */
  public static AppConfig load(Map<String, String> env, Path workDir) {
    Settings s = new Settings(SECRETS);
    Path local = workDir.resolve("config/application.yaml");
    if (Files.isRegularFile(local)) {
      s.merge(readYaml(local), local.toString());
    } else {
      s.merge(readBundled(), "config/application.yaml (built in)");
    }
    if (demo(env)) {
      // demo mode: its profile over the defaults (a data folder of its own, a short ladder, calls any time)
      Path profile = workDir.resolve(DEMO_PROFILE);
      if (Files.isRegularFile(profile)) {
        s.merge(readYaml(profile), profile.toString());
      } else {
        s.merge(readBundled("/" + DEMO_PROFILE), DEMO_PROFILE + " (built in)");
      }
    }
    String extra = env.get("DOZVON_CONFIG");
    if (extra != null && !extra.isBlank()) {
      Path file = workDir.resolve(extra.strip());
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("DOZVON_CONFIG='" + extra + "': expected a readable YAML file, found none");
      }
      s.merge(readYaml(file), file.toString());
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      String path = ENV.get(e.getKey());
      if (path != null) {
        s.override(path, e.getValue(), e.getKey());
      } else if (e.getKey().startsWith(WEBHOOK_SECRET_PREFIX) && e.getKey().length() > WEBHOOK_SECRET_PREFIX.length()) {
        // DOZVON_WEBHOOK_SECRET_WEB_FORM -> intake.webhooks.web_form.secret
        String source = e.getKey().substring(WEBHOOK_SECRET_PREFIX.length()).toLowerCase(java.util.Locale.ROOT);
        s.override("intake.webhooks." + source + ".secret", e.getValue(), e.getKey());
      } else if (e.getKey().startsWith("DOZVON_") && !OTHER_VARIABLES.contains(e.getKey())) {
        LOG.warn("Unknown setting {} is ignored (known: {})", e.getKey(), ENV.keySet().stream().sorted().toList());
      }
    }
    return build(s);
  }

  private static AppConfig build(Settings s) {
    var http = new AppConfig.Http(
        s.integer("http.port", 8080, 0, 65535, "a port number"),
        s.integer("http.maxBodyBytes", 65536, 1024, 64 * 1024 * 1024, "a size in bytes"));

    String url = s.string("database.url", "");
    Optional<DbUrl> dbUrl = url.isEmpty() ? Optional.empty() : Optional.of(parseDbUrl(s, "database.url", url));
    String dataDir = s.string("database.dataDir", "./data");
    if (dataDir.isEmpty()) {
      throw s.error("database.dataDir", dataDir, "a folder path");
    }
    var database = new AppConfig.Database(dbUrl, Path.of(dataDir),
        s.integer("database.poolSize", 16, 1, 200, "a pool size"),
        s.integer("database.callTransactions", 2, 1, 64, "a number of transactions"));

    String amiHost = s.string("ami.host", "");
    int amiPort = s.integer("ami.port", 5038, 1, 65535, "a port number");
    String amiUser = s.string("ami.user", "");
    String amiSecret = s.string("ami.secret", "");
    AmiSettings link = null;
    if (!amiHost.isEmpty()) {
      if (amiUser.isEmpty()) {
        throw s.error("ami.user", "", "an AMI user name when DOZVON_AMI_HOST is set");
      }
      Map<String, Object> timings = new LinkedHashMap<>();
      s.section("ami").forEach((k, v) -> {
        if (AMI_TIMINGS.contains(k)) {
          timings.put(k, v);
        }
      });
      timings.put("host", amiHost);
      timings.put("port", amiPort);
      timings.put("user", amiUser);
      timings.put("secret", amiSecret);
      link = feature(timings, s, AmiSettings::fromYaml);
    }
    var ami = new AppConfig.Ami(amiHost, amiPort, amiUser, amiSecret,
        s.list("ami.inboundContexts", List.of("from-trunk", "from-pstn")),
        s.string("ami.originateContext", "click-to-call"), link);
    if (ami.inboundContexts().isEmpty()) {
      throw s.error("ami.inboundContexts", "", "a comma list of dialplan contexts, e.g. from-trunk,from-pstn");
    }
    for (String ctx : ami.inboundContexts()) {
      if (!ctx.matches("[A-Za-z0-9_.+-]+")) {
        throw s.error("ami.inboundContexts", ctx, "dialplan context names (letters, digits, _ . + -)");
      }
    }

    String token = s.string("auth.adminToken", "");
    if (!token.isEmpty() && (token.length() < 16 || !token.matches("[\\x21-\\x7e]+"))) {
      throw s.error("auth.adminToken", token, "at least 16 printable characters without spaces");
    }
    String adminPassword = s.string("auth.adminPassword", "");
    if (!adminPassword.isEmpty() && (adminPassword.length() < 8 || adminPassword.length() > 128)) {
      throw s.error("auth.adminPassword", adminPassword, "8 to 128 characters");
    }
    java.time.Duration idle = duration(s, "auth.sessionIdle", "12h", java.time.Duration.ofMinutes(1));
    java.time.Duration maxAge = duration(s, "auth.sessionMaxAge", "7d", java.time.Duration.ofMinutes(1));
    if (maxAge.compareTo(idle) < 0) {
      throw s.error("auth.sessionMaxAge", s.string("auth.sessionMaxAge", "7d"),
          "a duration at least auth.sessionIdle (" + s.string("auth.sessionIdle", "12h") + ")");
    }
    String rawCheck = s.string("auth.sessionCheck", "5s");
    java.time.Duration check;
    try {
      check = ru.dozvon.time.Durations.parse(rawCheck.isEmpty() ? "5s" : rawCheck);
    } catch (IllegalArgumentException e) {
      throw s.error("auth.sessionCheck", rawCheck, "a duration such as 5s, 1m or PT5S");
    }
    if (check.compareTo(java.time.Duration.ofSeconds(1)) < 0 || check.compareTo(idle) > 0) {
      throw s.error("auth.sessionCheck", rawCheck, "a duration of 1s to auth.sessionIdle");
    }
    var auth = new AppConfig.Auth(token.isEmpty() ? Optional.empty() : Optional.of(token),
        adminPassword.isEmpty() ? Optional.empty() : Optional.of(adminPassword), idle, maxAge, check);

    TrackerSettings section = feature(s, "telephony", TrackerSettings::fromMap);
    java.util.Set<String> outbound = new java.util.LinkedHashSet<>(section.outboundContexts());
    outbound.add(ami.originateContext());
    var telephony = new TrackerSettings(java.util.Set.copyOf(ami.inboundContexts()), section.operatorContexts(),
        java.util.Set.copyOf(outbound), section.markerVariable(), section.idleTimeout(), section.recentEndedMemory(),
        section.maxChannelsPerCall(), section.maxLiveCalls(), section.maxLineBytes(), section.maxEventBytes(),
        section.maxEventTypes());
    String cdrUrl = s.string("telephony.cdr.db_url", "");
    var cdr = feature(s, "telephony", ru.dozvon.telephony.cdr.CdrSettings::fromTelephony)
        .withDb(cdrUrl.isEmpty() ? Optional.empty() : Optional.of(parseDbUrl(s, "telephony.cdr.db_url", cdrUrl)));
    return new AppConfig(http, database, ami, auth, telephony,
        feature(s, "retry", RetryConfig::fromMap),
        feature(s, "funnel", FunnelConfig::fromMap),
        feature(s, "routing", RoutingConfig::fromMap),
        feature(s, "intake", IntakeConfig::fromMap),
        feature(s, "notify", WebhookPolicy::fromMap),
        feature(s, "telephony", ru.dozvon.telephony.PhoneSettings::fromMap),
        feature(s, "telephony", OriginateSettings::fromMap),
        feature(s, "dialer", DialerConfig::fromMap),
        feature(s, "demo", ru.dozvon.simpbx.DemoSettings::fromMap),
        feature(s, "telephony", ru.dozvon.telephony.JournalSettings::fromMap),
        feature(s, "live", ru.dozvon.live.LiveConfig::fromMap),
        cdr,
        feature(s, "stream", ru.dozvon.live.StreamSettings::fromMap));
  }

  /** A duration setting of at least {@code min}, e.g. 12h, 30m, 7d or PT12H. */
  private static java.time.Duration duration(Settings s, String path, String fallback, java.time.Duration min) {
    String raw = s.string(path, fallback);
    java.time.Duration d;
    try {
      d = ru.dozvon.time.Durations.parse(raw.isEmpty() ? fallback : raw);
    } catch (IllegalArgumentException e) {
      throw s.error(path, raw, "a duration such as 12h, 30m, 7d or PT12H");
    }
    if (d.compareTo(min) < 0) {
      throw s.error(path, raw, "a duration of at least " + min.toMinutes() + "m");
    }
    return d;
  }

  private static DbUrl parseDbUrl(Settings s, String key, String url) {
    Matcher m = DB_URL.matcher(url);
    String expected = "postgresql://user:pass@host:port/db";
    if (!m.matches()) {
      throw s.error(key, url, expected);
    }
    int port = 5432;
    if (m.group(4) != null) {
      port = Integer.parseInt(m.group(4));
      if (port < 1 || port > 65535) {
        throw s.error(key, url, expected + " with a port 1-65535");
      }
    }
    String user = m.group(1) == null ? "postgres" : decode(m.group(1));
    String pass = m.group(2) == null ? "" : decode(m.group(2));
    return new DbUrl(m.group(3), port, m.group(5), user, pass);
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /**
   * Parses a feature's section with the feature's own parser. Its errors start with the key path
   * ({@code retry.calling_window.timezone: ...}); when an environment variable set that key, the
   * variable is named first.
   */
  private static <T> T feature(Settings s, String name, java.util.function.Function<Map<String, Object>, T> parser) {
    return feature(s.section(name), s, parser);
  }

  private static <T> T feature(Map<String, Object> section, Settings s,
                               java.util.function.Function<Map<String, Object>, T> parser) {
    try {
      return parser.apply(section);
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      int colon = message.indexOf(':');
      String path = colon > 0 ? message.substring(0, colon).replaceAll("\\[\\d+]", "") : "";
      String origin = s.originOf(path);
      throw new ConfigException(origin == null || origin.contains(": ") ? message : origin + ": " + message);
    }
  }

  private static Map<String, Object> readYaml(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  private static Map<String, Object> readBundled() {
    return readBundled("/config/application.yaml");
  }

  private static Map<String, Object> readBundled(String resource) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        return Map.of();
      }
      return parse(in, resource.substring(1) + " (built in)");
    } catch (IOException e) {
      throw new ConfigException("built-in " + resource.substring(1) + " cannot be read: " + e.getMessage());
    }
  }

  /** The demo profile, laid over the defaults in demo mode ({@code --demo}, {@code DOZVON_DEMO=true}). */
  public static final String DEMO_PROFILE = "config/demo-profile.yaml";

  /** True when {@code DOZVON_DEMO} asks for demo mode; a value that is not a boolean stops the start. */
  public static boolean demo(Map<String, String> env) {
    String v = env.get("DOZVON_DEMO");
    if (v == null || v.isBlank()) {
      return false;
    }
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new ConfigException("DOZVON_DEMO='" + v + "': expected true or false");
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(InputStream in, String name) {
    try {
      Object doc = new Load(LoadSettings.builder().setLabel(name).build()).loadFromInputStream(in);
      if (doc == null) {
        return Map.of();
      }
      if (!(doc instanceof Map<?, ?> m)) {
        throw new ConfigException(name + ": expected a YAML mapping of sections at the top level");
      }
      return (Map<String, Object>) m;
    } catch (YamlEngineException e) {
      throw new ConfigException(name + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
    }
  }
}
