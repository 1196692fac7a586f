package ru.dozvon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.store.Database;

/**
 * The service killed for real, as the OOM killer does: {@code ru.dozvon.Main} in a child JVM with
 * its embedded PostgreSQL in a data folder, rows committed through its HTTP API, then SIGKILL. The
 * postmaster (pg_ctl's daemon, not the JVM's child) outlives it; the next start, in a second child
 * JVM, must stop that orphan, come up, and have every committed row; then SIGTERM stops it cleanly,
 * its PostgreSQL too. Every process spawned is killed in {@link #cleanUp}, orphans included.
 */
class KilledServiceRestartTest {

  private static final String TOKEN = "crash-restart-admin-token-0123";
  private static final Pattern UP = Pattern.compile("Dozvon is up: http://localhost:(\\d+)/health");
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir
  Path work;

  private final List<Child> children = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void afterSigkillTheNextStartStopsTheOrphanedPostgresAndLosesNothingCommitted() throws Exception {
    Path dataDir = work.resolve("data");
    Child first = start("first", dataDir);
    int port = first.awaitUp();
    List<String> names = List.of("Anna", "Boris", "Vera");
    for (int i = 0; i < names.size(); i++) {
      HttpResponse<String> created = send(port, "POST", "/api/managers",
          new JsonObject().put("name", names.get(i)).put("extension", "10" + i).put("maxActiveDeals", 3).encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201); // answered after the commit
    }
    List<ProcessHandle> before = postmastersServing(dataDir);
    assertThat(before).hasSize(1);
    long orphan = before.get(0).pid();

    // a second start while the first runs is refused, and takes nothing down
    assertThatThrownBy(() -> Database.embedded(dataDir, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is in use: a running process holds its lock epg-lock");
    assertThat(send(port, "GET", "/health", null).statusCode()).isEqualTo(200);

    first.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(first.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).as("the orphaned postmaster").contains(true);

    Child second = start("second", dataDir);
    int port2 = second.awaitUp();
    assertThat(second.transcript()).anyMatch(line -> line.contains(
        "found orphaned embedded PostgreSQL pid " + orphan + " from a previous run, stopped it (fast shutdown, "));
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    List<ProcessHandle> after = postmastersServing(dataDir);
    assertThat(after).as("postmasters serving " + dataDir).hasSize(1);
    assertThat(after.get(0).pid()).isNotEqualTo(orphan);

    HttpResponse<String> managers = send(port2, "GET", "/api/managers", null);
    assertThat(managers.statusCode()).isEqualTo(200);
    assertThat(new JsonArray(managers.body()).stream().map(m -> ((JsonObject) m).getString("name")))
        .contains("Anna", "Boris", "Vera");

    second.process.destroy(); // SIGTERM: the shutdown hooks stop the embedded server too
    assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    assertThat(after.get(0).onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(postmastersServing(dataDir)).isEmpty();
    assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Child child : children) {
      child.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle postmaster : postmastersServing(work.resolve("data"))) {
      List<ProcessHandle> family = new ArrayList<>(postmaster.descendants().toList());
      family.add(postmaster);
      family.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : family) {
        p.onExit().get(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The postmasters serving {@code dataDir}, seen independently of the code under test: programs
   * named postgres started with {@code -D dataDir} whose parent is not one (a child rewrites its
   * command line, but only a moment after the fork).
   */
  private static List<ProcessHandle> postmastersServing(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return List.of();
    }
    Path dir = dataDir.toRealPath();
    return ProcessHandle.allProcesses()
        .filter(p -> startedOn(p, dir))
        .filter(p -> p.parent().map(parent -> !startedOn(parent, dir)).orElse(true))
        .toList();
  }

  private static boolean startedOn(ProcessHandle p, Path dir) {
    ProcessHandle.Info info = p.info();
    if (!info.command().orElse("").endsWith("/postgres")) {
      return false;
    }
    String[] args = info.arguments().orElse(new String[0]);
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("-D") && Path.of(args[i + 1]).toAbsolutePath().normalize().equals(dir)) {
        return true;
      }
    }
    return false;
  }

  private Child start(String name, Path dataDir) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx384m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Main.class.getName())
        .directory(work.toFile())
        .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("DOZVON_"));
    pb.environment().put("DOZVON_DATA_DIR", dataDir.toString());
    pb.environment().put("DOZVON_HTTP_PORT", "0");
    pb.environment().put("DOZVON_ADMIN_TOKEN", TOKEN);
    pb.environment().put("DOZVON_DB_POOL_SIZE", "4");
    Child child = new Child(name, pb.start());
    children.add(child);
    return child;
  }

  private HttpResponse<String> send(int port, String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN);
    b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A child JVM and its output, read on a thread of its own so it never blocks on a full pipe. */
  private static final class Child {
    final String name;
    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    Child(String name, Process process) {
      this.name = name;
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("(output lost: " + e + ")");
        }
      }, "child-" + name + "-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for the service's ready line; returns its HTTP port. */
    int awaitUp() throws InterruptedException {
      long deadline = System.nanoTime() + START.toNanos();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(200, TimeUnit.MILLISECONDS);
        if (line != null) {
          seen.add(line);
          Matcher m = UP.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        } else if (!process.isAlive()) {
          break;
        }
      }
      lines.drainTo(seen);
      throw new AssertionError("the " + name + " start did not come up within " + START.toSeconds() + " s"
          + Optional.of(process).filter(p -> !p.isAlive()).map(p -> " (exit " + p.exitValue() + ")").orElse("")
          + "; its output:\n" + String.join("\n", seen));
    }

    List<String> transcript() {
      lines.drainTo(seen);
      return seen;
    }
  }
}
