package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.App;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.store.Database;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The database goes away while calls keep ending on the PBX: nothing is lost, and every call is
 * recorded once the database is back.
 */
class DatabaseOutageTest {

  @TempDir
  Path dataDir;

  @TempDir
  Path appDir;

  @Test
  void missedCallsDuringAnOutageAreRecordedWhenTheDatabaseReturns() throws Exception {
    int port = freePort();
    Database db = Database.embedded(dataDir, port);
    db.migrate();
    TestAmiServer pbx = TestAmiServer.start("crm", "outage-secret");
    var cfg = config(pbx);
    App app = App.start(cfg, db).await(60, TimeUnit.SECONDS);
    try {
      eventually(app, "AMI connected", () -> "CONNECTED".equals(app.telephony().state()));
      db.close();

      pbx.sendRaw(Transcript.load("ami/missed.ami").bytes());
      pbx.sendRaw(Transcript.load("ami/queue_abandon.ami").bytes());
      eventually(app, "both calls waiting for the database", () -> app.telephony().pendingCalls() == 2);

      db = Database.embedded(dataDir, port);
      eventually(app, "recorded after the database returned", () -> app.telephony().pendingCalls() == 0);
      try (Connection c = DriverManager.getConnection(db.url().jdbcUrl(), db.url().user(), db.url().password())) {
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT pbx_call_id, deal_id FROM calls ORDER BY pbx_call_id");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("1795551887.0");
        assertThat(rs.getObject(2)).isNotNull();
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("1795551900.8");
        assertThat(rs.getObject(2)).isNotNull();
        assertThat(rs.next()).isFalse();
        ResultSet deals = c.createStatement().executeQuery("SELECT count(*) FROM deals WHERE source = 'missed_call'");
        deals.next();
        assertThat(deals.getInt(1)).isEqualTo(2);
      }
    } finally {
      app.stop().await(30, TimeUnit.SECONDS);
      db.close();
      pbx.close();
    }
  }

  /**
   * The service stops (or dies) while the database is still away: the calls it could not record are in the
   * unrecorded-calls file, and the next start records them, once each.
   */
  @Test
  void callsNotRecordedWhenTheServiceStopsAreRecordedByTheNextStart() throws Exception {
    int port = freePort();
    Database db = Database.embedded(dataDir, port);
    db.migrate();
    TestAmiServer pbx = TestAmiServer.start("crm", "outage-secret");
    var cfg = config(pbx);
    Path file = appDir.resolve("unrecorded-calls.jsonl");
    App app = App.start(cfg, db).await(60, TimeUnit.SECONDS);
    try {
      eventually(app, "AMI connected", () -> "CONNECTED".equals(app.telephony().state()));
      db.close();
      pbx.sendRaw(Transcript.load("ami/missed.ami").bytes());
      pbx.sendRaw(Transcript.load("ami/queue_abandon.ami").bytes());
      eventually(app, "both calls waiting for the database", () -> app.telephony().pendingCalls() == 2);
      eventually(app, "both kept on disk", () -> lines(file).stream().filter(l -> l.startsWith("+")).count() == 2);
    } finally {
      app.stop().await(30, TimeUnit.SECONDS);
      pbx.close();
    }
    assertThat(lines(file)).hasSize(2);

    db = Database.embedded(dataDir, port);
    App next = App.start(cfg, db).await(60, TimeUnit.SECONDS); // no PBX listening now: only the file speaks
    try {
      eventually(next, "recorded by the next start", () -> next.telephony().pendingCalls() == 0);
      eventually(next, "the file emptied", () -> lines(file).isEmpty());
      try (Connection c = DriverManager.getConnection(db.url().jdbcUrl(), db.url().user(), db.url().password())) {
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT count(*), count(DISTINCT pbx_call_id), count(deal_id) FROM calls");
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
        assertThat(rs.getInt(2)).isEqualTo(2);
        assertThat(rs.getInt(3)).isEqualTo(2);
      }
    } finally {
      next.stop().await(30, TimeUnit.SECONDS);
      db.close();
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The service against this PBX, with its data folder (the unrecorded-calls file) in {@code appDir}. */
  private AppConfig config(TestAmiServer pbx) {
    return ConfigLoader.load(Map.of("DOZVON_HTTP_PORT", "0", "DOZVON_ADMIN_TOKEN", "outage-test-token-12345",
        "DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()), "DOZVON_AMI_USER", "crm",
        "DOZVON_AMI_SECRET", "outage-secret", "DOZVON_DB_POOL_SIZE", "2",
        "DOZVON_DATA_DIR", appDir.toString()), Path.of(""));
  }

  private static java.util.List<String> lines(Path file) {
    try {
      return java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file) : java.util.List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void eventually(App app, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      app.vertx().timer(20).await();
    }
  }
}
