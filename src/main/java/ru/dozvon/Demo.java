package ru.dozvon;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.simpbx.CallStream;
import ru.dozvon.simpbx.DemoSettings;
import ru.dozvon.simpbx.SimPbx;
import ru.dozvon.store.Database;

/**
 * Demo mode ({@code java -jar target/dozvon.jar --demo}, {@code DOZVON_DEMO=true}): the service as usual, with the
 * demo profile laid over the defaults (its own data folder, a short ladder, calls at any time), the simulated PBX
 * started on a free loopback port and the AMI settings pointed at it, two demo operators on shift with the dialer on
 * and a supervisor, their sign-ins printed and written to {@value #SIGN_INS} in the data folder, and a gentle stream
 * of inbound calls, some missed. docs/DEMO.md.
 */
public final class Demo implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
  public static final String SIGN_INS = "demo-sign-ins.txt";
  static final String AMI_USER = "dozvon-demo";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One demo person: role, name, extension (operators), id, login and password (when sign-in exists), token. */
  public record Person(String role, String name, String extension, long id, String login, String password,
                       String token) {
  }

  private final SimPbx pbx;
  private final Database db;
  private final App app;
  private final List<Person> people;
  private final String adminToken;
  private final Path signIns;
  private final CallStream stream;

  private Demo(SimPbx pbx, Database db, App app, List<Person> people, String adminToken, Path signIns,
               CallStream stream) {
    this.pbx = pbx;
    this.db = db;
    this.app = app;
    this.people = people;
    this.adminToken = adminToken;
    this.signIns = signIns;
    this.stream = stream;
  }

  /**
   * Starts everything; the sign-ins go to {@code console}. {@code env} is the process environment (settings, as
   * always); {@code DOZVON_DEMO} is implied.
   */
  public static Demo start(Map<String, String> baseEnv, Path workDir, PrintStream console) throws Exception {
    Map<String, String> env = new HashMap<>(baseEnv);
    env.put("DOZVON_DEMO", "true");
    AppConfig probe = ConfigLoader.load(env, workDir); // the data folder and the demo section; bad values stop here
    DemoSettings demo = probe.demo();
    Path dataDir = workDir.resolve(probe.database().dataDir());
    Path signIns = dataDir.resolve(SIGN_INS);
    Map<String, String> previous = readSignIns(signIns);
    String adminToken = env.get("DOZVON_ADMIN_TOKEN");
    if (adminToken == null || adminToken.isBlank()) {
      adminToken = previous.getOrDefault("admin.token", "demo-admin-" + secret(12));
      env.put("DOZVON_ADMIN_TOKEN", adminToken);
    }
    String amiSecret = secret(12);
    SimPbx pbx = SimPbx.start(new SimPbx.Options("127.0.0.1", 0, AMI_USER, amiSecret, demo.operators(),
        demo.shape(), demo.ring(), demo.talk()));
    env.put("DOZVON_AMI_HOST", "127.0.0.1");
    env.put("DOZVON_AMI_PORT", Integer.toString(pbx.port()));
    env.put("DOZVON_AMI_USER", AMI_USER);
    env.put("DOZVON_AMI_SECRET", amiSecret);
    Database db = null;
    App app = null;
    try {
      AppConfig cfg = ConfigLoader.load(env, workDir);
      db = Database.open(cfg.database().url(), cfg.database().dataDir());
      db.migrate();
      app = App.start(cfg, db).await(120, TimeUnit.SECONDS);
      List<Person> people = staff(app, adminToken, demo, previous);
      String url = "http://localhost:" + app.httpPort() + "/";
      writeSignIns(signIns, url, adminToken, people);
      print(console, url, pbx, demo, adminToken, people, signIns);
      if (!pbx.awaitListener(Duration.ofSeconds(30))) {
        LOG.warn("Demo: the service has not connected to the simulated PBX yet; calls start anyway");
      }
      CallStream stream = CallStream.start(pbx, new CallStream.Plan(demo.rate(), demo.missedShare(), null,
          System.nanoTime()));
      return new Demo(pbx, db, app, people, adminToken, signIns, stream);
    } catch (Exception | Error e) {
      if (app != null) {
        app.stop().await(30, TimeUnit.SECONDS);
      }
      if (db != null) {
        db.close();
      }
      pbx.close();
      throw e;
    }
  }

  /** The supervisor and the operators: made at the first start, found by name later; operators on shift, dialer on. */
  private static List<Person> staff(App app, String adminToken, DemoSettings demo, Map<String, String> previous) {
    Http http = new Http(app.vertx().createHttpClient(), app.httpPort());
    try {
      Map<String, JsonObject> existing = new HashMap<>();
      JsonArray list = send(http.get("/api/managers"), adminToken, null, 200).bodyAsJsonArray();
      for (int i = 0; i < list.size(); i++) {
        existing.put(list.getJsonObject(i).getString("name"), list.getJsonObject(i));
      }
      List<Person> people = new ArrayList<>();
      // the supervisor's extension: every manager has one; 100 is no phone on the simulated PBX
      people.add(person(http, adminToken, existing, previous, "supervisor", "Демо Супервайзер", "100", "supervisor"));
      for (String ext : demo.operators()) {
        Person p = person(http, adminToken, existing, previous, "operator", "Демо Оператор " + ext, ext,
            "operator" + ext);
        send(http.patch("/api/managers/" + p.id()), adminToken,
            new JsonObject().put("state", "ON_SHIFT").put("autoDial", true), 200);
        people.add(p);
      }
      return people;
    } finally {
      http.client.close();
    }
  }

  /** The service's own API over loopback, as any client would call it. */
  private record Http(HttpClient client, int port) {
    Request get(String uri) {
      return new Request(this, HttpMethod.GET, uri);
    }

    Request post(String uri) {
      return new Request(this, HttpMethod.POST, uri);
    }

    Request patch(String uri) {
      return new Request(this, HttpMethod.PATCH, uri);
    }
  }

  private record Request(Http http, HttpMethod method, String uri) {
  }

  private record Response(int statusCode, Buffer body) {
    JsonObject bodyAsJsonObject() {
      return body.toJsonObject();
    }

    JsonArray bodyAsJsonArray() {
      return body.toJsonArray();
    }

    String bodyAsString() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  private static Person person(Http http, String adminToken, Map<String, JsonObject> existing,
                               Map<String, String> previous, String role, String name, String ext, String login) {
    String password = previous.getOrDefault(login + ".password", secret(6));
    JsonObject found = existing.get(name);
    long id;
    String token;
    boolean signIn;
    if (found == null) {
      JsonObject body = new JsonObject().put("name", name).put("maxActiveDeals", 1000).put("role", role);
      body.put("extension", ext);
      Response r = send(http.post("/api/managers"), adminToken,
          body.copy().put("login", login).put("password", password), -1);
      signIn = r.statusCode() == 201;
      if (!signIn) { // no sign-in with a password in this build yet: bearer tokens only
        r = send(http.post("/api/managers"), adminToken, body, 201);
      }
      id = r.bodyAsJsonObject().getLong("id");
      token = r.bodyAsJsonObject().getString("token");
    } else {
      id = found.getLong("id");
      signIn = send(http.patch("/api/managers/" + id), adminToken,
          new JsonObject().put("login", login).put("password", password), -1).statusCode() == 200;
      token = send(http.post("/api/managers/" + id + "/token"), adminToken, null, 200).bodyAsJsonObject()
          .getString("token");
    }
    return new Person(role, name, ext, id, signIn ? login : null, signIn ? password : null, token);
  }

  private static Response send(Request request, String token, JsonObject body, int expected) {
    try {
      Response r = request.http().client().request(request.method(), request.http().port(), "localhost",
              request.uri())
          .compose(req -> {
            req.putHeader("Authorization", "Bearer " + token);
            if (body != null) {
              req.putHeader("Content-Type", "application/json");
            }
            return (body == null ? req.send() : req.send(body.toBuffer()))
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b)));
          })
          .await(30, TimeUnit.SECONDS);
      if (expected > 0 && r.statusCode() != expected) {
        throw new IllegalStateException("demo set-up: " + request.method() + " " + request.uri() + " answered "
            + r.statusCode() + " " + r.bodyAsString());
      }
      return r;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("demo set-up: " + request.uri() + ": " + e.getMessage(), e);
    }
  }

  private static void print(PrintStream out, String url, SimPbx pbx, DemoSettings demo, String adminToken,
                            List<Person> people, Path signIns) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n  Dozvon demo: %s%n", url));
    sb.append(String.format(Locale.ROOT, "  Simulated PBX (Asterisk 22 AMI) on 127.0.0.1:%d; about %s calls a minute,"
        + " %d%% of them missed%n", pbx.port(), trim(demo.rate() * 60), Math.round(demo.missedShare() * 100)));
    sb.append(String.format("  Sign-ins (also in %s):%n", signIns));
    for (Person p : people) {
      sb.append(String.format("    %-10s %-22s %s%n", p.role(), p.name() + (p.role().equals("operator")
          ? " (" + p.extension() + ")" : ""), p.login() == null ? "token " + p.token()
          : "login " + p.login() + "  password " + p.password() + "  token " + p.token()));
    }
    sb.append(String.format("    %-10s %-22s token %s%n", "admin", "", adminToken));
    sb.append(String.format("  Callbacks: customers answer by the last digit of their number: 0, 5, 8, 9 answer;"
        + " 1, 6 do not; 2, 7 busy; 3 congestion; 4 unavailable.%n%n"));
    out.print(sb);
    out.flush();
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
  }

  static void writeSignIns(Path file, String url, String adminToken, List<Person> people) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Dozvon demo sign-ins, rewritten at every demo start (docs/DEMO.md)\n");
    sb.append("url=").append(url).append('\n');
    sb.append("admin.token=").append(adminToken).append('\n');
    for (Person p : people) {
      String key = p.role().equals("operator") ? "operator" + p.extension() : p.role();
      sb.append(key).append(".name=").append(p.name()).append('\n');
      sb.append(key).append(".id=").append(p.id()).append('\n');
      if (p.login() != null) {
        sb.append(key).append(".login=").append(p.login()).append('\n');
        sb.append(key).append(".password=").append(p.password()).append('\n');
      }
      sb.append(key).append(".token=").append(p.token()).append('\n');
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** The file's {@code key=value} lines (an absent or unreadable file: none). */
  public static Map<String, String> readSignIns(Path file) {
    Map<String, String> m = new LinkedHashMap<>();
    try {
      if (Files.isRegularFile(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int eq = line.indexOf('=');
          if (!line.startsWith("#") && eq > 0) {
            m.put(line.substring(0, eq), line.substring(eq + 1));
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("Demo: {} cannot be read ({}); new sign-ins are made", file, e.getMessage());
    }
    return m;
  }

  private static String secret(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public App app() {
    return app;
  }

  public SimPbx pbx() {
    return pbx;
  }

  public List<Person> people() {
    return people;
  }

  public String adminToken() {
    return adminToken;
  }

  public Path signInsFile() {
    return signIns;
  }

  public CallStream stream() {
    return stream;
  }

  /** Stops the calls, the service, the database and the simulated PBX. */
  @Override
  public void close() {
    stream.close();
    try {
      app.stop().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Demo: the service did not stop cleanly: {}", e.getMessage());
    }
    db.close();
    pbx.close();
  }
}
