package ru.dozvon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.store.Database;
import ru.dozvon.support.ChildJvm;

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

  private final List<ChildJvm> children = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void afterSigkillTheNextStartStopsTheOrphanedPostgresAndLosesNothingCommitted() throws Exception {
    Path dataDir = work.resolve("data");
    ChildJvm first = start("first", dataDir);
    int port = Integer.parseInt(first.awaitLine(UP, START).group(1));
    List<String> names = List.of("Anna", "Boris", "Vera");
    for (int i = 0; i < names.size(); i++) {
      HttpResponse<String> created = send(port, "POST", "/api/managers",
          new JsonObject().put("name", names.get(i)).put("extension", "10" + i).put("maxActiveDeals", 3).encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201); // answered after the commit
    }
    List<ProcessHandle> before = ChildJvm.postmastersServing(dataDir);
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

    ChildJvm second = start("second", dataDir);
    int port2 = Integer.parseInt(second.awaitLine(UP, START).group(1));
    assertThat(second.transcript()).anyMatch(line -> line.contains(
        "found orphaned embedded PostgreSQL pid " + orphan + " from a previous run, stopped it (fast shutdown, "));
    assertThat(ChildJvm.running(orphan)).as("the orphan still running").isFalse();
    List<ProcessHandle> after = ChildJvm.postmastersServing(dataDir);
    assertThat(after).as("postmasters serving " + dataDir).hasSize(1);
    assertThat(after.get(0).pid()).isNotEqualTo(orphan);

    HttpResponse<String> managers = send(port2, "GET", "/api/managers", null);
    assertThat(managers.statusCode()).isEqualTo(200);
    assertThat(new JsonArray(managers.body()).stream().map(m -> ((JsonObject) m).getString("name")))
        .contains("Anna", "Boris", "Vera");

    second.process.destroy(); // SIGTERM: the shutdown hooks stop the embedded server too
    assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    long stopped = after.get(0).pid();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ChildJvm.running(stopped) && System.nanoTime() < deadline) {
      Thread.sleep(50); // waiting for another process to exit, not for a time rule
    }
    assertThat(ChildJvm.running(stopped)).as("the postmaster stopped with its service").isFalse();
    assertThat(ChildJvm.postmastersServing(dataDir)).isEmpty();
    assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (ChildJvm child : children) {
      child.close();
    }
    ChildJvm.killAllServing(work.resolve("data"));
  }

  private ChildJvm start(String name, Path dataDir) throws Exception {
    ChildJvm child = ChildJvm.start(name, Main.class, Map.of("DOZVON_DATA_DIR", dataDir.toString(),
        "DOZVON_HTTP_PORT", "0", "DOZVON_ADMIN_TOKEN", TOKEN, "DOZVON_DB_POOL_SIZE", "4"), work);
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
}
