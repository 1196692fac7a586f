package ru.dozvon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.support.ChildJvm;

/**
 * {@code java -jar dozvon.jar --demo} as a newcomer runs it, in a JVM of its own on an empty folder: the embedded
 * database in the demo data folder, the simulated PBX built in, the sign-ins printed and written to the data folder,
 * and a missed call from the simulated stream becoming a deal the supervisor sees. A second start on the same folder
 * finds the demo staff again (nobody doubled) and keeps their sign-ins.
 */
class DemoModeTest {

  @TempDir
  Path work;
  final List<ChildJvm> children = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void cleanUp() throws Exception {
    for (ChildJvm child : children) {
      child.process.destroy();
      child.process.waitFor(30, TimeUnit.SECONDS);
      child.close();
    }
    ChildJvm.killAllServing(work.resolve("data-demo"));
  }

  @Test
  void theDemoStartsPrintsItsSignInsAndMissedCallsBecomeDeals() throws Exception {
    ChildJvm demo = start("demo-1");
    Matcher up = demo.awaitLine(Pattern.compile("Dozvon demo: http://localhost:(\\d+)/"), Duration.ofSeconds(120));
    int port = Integer.parseInt(up.group(1));
    demo.awaitLine(Pattern.compile("Callbacks: customers answer by the last digit"), Duration.ofSeconds(10));
    String printed = String.join("\n", demo.transcript());
    assertThat(printed).contains("Демо Супервайзер", "Демо Оператор 101 (101)", "Демо Оператор 102 (102)",
        "Simulated PBX (Asterisk 22 AMI) on 127.0.0.1:");

    Path file = work.resolve("data-demo").resolve(Demo.SIGN_INS);
    assertThat(file).exists();
    Map<String, String> signIns = Demo.readSignIns(file);
    assertThat(signIns).containsKeys("admin.token", "supervisor.token", "operator101.token", "operator102.token");
    assertThat(printed).contains(signIns.get("operator101.token"), signIns.get("supervisor.token"),
        signIns.get("admin.token"));

    // the operators are on shift with the dialer on, and their token works
    long op = Long.parseLong(signIns.get("operator101.id"));
    JsonObject me = new JsonObject(get(port, "/api/managers/" + op, signIns.get("operator101.token")).body());
    assertThat(me.getString("state")).isEqualTo("ON_SHIFT");
    assertThat(me.getBoolean("autoDial")).isTrue();
    assertThat(me.getString("extension")).isEqualTo("101");

    // every call of this stream is missed (DOZVON_DEMO_MISSED=1): deals appear for the supervisor
    JsonArray deals = eventually(() -> {
      JsonArray d = new JsonArray(get(port, "/api/deals?source=missed_call", signIns.get("supervisor.token")).body());
      return d.isEmpty() ? null : d;
    }, Duration.ofSeconds(60));
    assertThat(deals.getJsonObject(0).getJsonObject("contact").getString("phone")).startsWith("+79");
    assertThat(get(port, "/health", null).body()).contains("\"ami\":\"CONNECTED\"");

    demo.process.destroy();
    assertThat(demo.process.waitFor(40, TimeUnit.SECONDS)).as("SIGTERM stops the demo").isTrue();

    ChildJvm again = start("demo-2");
    int port2 = Integer.parseInt(again.awaitLine(Pattern.compile("Dozvon demo: http://localhost:(\\d+)/"),
        Duration.ofSeconds(120)).group(1));
    Map<String, String> second = Demo.readSignIns(file);
    assertThat(second.get("admin.token")).as("the admin token is kept").isEqualTo(signIns.get("admin.token"));
    assertThat(second.get("operator101.id")).as("the same operator").isEqualTo(signIns.get("operator101.id"));
    JsonArray managers = new JsonArray(get(port2, "/api/managers", second.get("admin.token")).body());
    assertThat(managers.stream().map(m -> ((JsonObject) m).getString("name")).filter(n -> n.startsWith("Демо")))
        .as("nobody doubled").hasSize(3);
    assertThat(get(port2, "/api/managers/" + op, signIns.get("operator101.token")).statusCode())
        .as("the old token was replaced by the new one").isEqualTo(401);
    assertThat(get(port2, "/api/managers/" + op, second.get("operator101.token")).statusCode()).isEqualTo(200);
  }

  private ChildJvm start(String name) throws Exception {
    Files.createDirectories(work);
    ChildJvm child = ChildJvm.start(name, Main.class, Map.of("DOZVON_HTTP_PORT", "0", "DOZVON_DB_POOL_SIZE", "4",
        "DOZVON_DEMO_RATE", "2", "DOZVON_DEMO_MISSED", "1"), work, "--demo");
    children.add(child);
    return child;
  }

  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  interface Probe<T> {
    T get() throws Exception;
  }

  private static <T> T eventually(Probe<T> probe, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T v = probe.get();
      if (v != null) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout);
      }
      Thread.sleep(200);
    }
  }
}
