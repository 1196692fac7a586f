package ru.dozvon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.App;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;

/**
 * The default run's database: embedded PostgreSQL in a data folder, durable, migrated on an empty
 * database, keeping its data across restarts; and /health following it down and up again.
 */
class EmbeddedDatabaseTest {

  @TempDir
  Path dataDir;

  @Test
  void migratesAnEmptyDatabaseWithDurabilityOnAndKeepsDataAcrossRestarts() throws Exception {
    try (Database db = Database.embedded(dataDir, 0)) {
      db.migrate();
      try (Connection c = jdbc(db)) {
        assertThat(setting(c, "fsync")).isEqualTo("on");
        assertThat(setting(c, "synchronous_commit")).isEqualTo("on");
        assertThat(setting(c, "full_page_writes")).isEqualTo("on");
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN "
                + "('managers','api_tokens','contacts','deals','calls','attempts','tasks','deal_history',"
                + "'assignments','lead_requests','outbox','webhook_nonces')");
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(12);
        c.createStatement().execute("INSERT INTO managers (name, extension, max_active_deals) VALUES ('Anna', '101', 5)");
      }
    }
    try (Database db = Database.embedded(dataDir, 0)) {
      db.migrate(); // a second run applies nothing and keeps the rows
      try (Connection c = jdbc(db)) {
        ResultSet rs = c.createStatement().executeQuery("SELECT name FROM managers WHERE extension = '101'");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("Anna");
        ResultSet v = c.createStatement().executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success");
        v.next();
        assertThat(v.getInt(1)).isGreaterThanOrEqualTo(1);
      }
    }
  }

  @Test
  void databaseRulesHoldInTheSchemaItself() throws Exception {
    try (Database db = Database.embedded(dataDir, 0)) {
      db.migrate();
      try (Connection c = jdbc(db)) {
        var s = c.createStatement();
        s.execute("INSERT INTO contacts (phone, phone_kind) VALUES ('+79161234567', 'MOBILE')");
        s.execute("INSERT INTO deals (contact_id, source, arrived_at) VALUES (1, 'missed_call', now())");
        // a second open deal for the same contact is refused by the database
        assertThat(sqlState(c, "INSERT INTO deals (contact_id, source, arrived_at) VALUES (1, 'web_form', now())"))
            .isEqualTo("23505");
        // history is append-only
        s.execute("INSERT INTO deal_history (deal_id, kind, actor) VALUES (1, 'created', 'system')");
        assertThat(sqlState(c, "UPDATE deal_history SET kind = 'x'")).isEqualTo("P0001");
        assertThat(sqlState(c, "DELETE FROM deal_history")).isEqualTo("P0001");
        // a phone that is not E.164 is refused
        assertThat(sqlState(c, "INSERT INTO contacts (phone) VALUES ('89161234567')")).isEqualTo("23514");
        // calls are unique by the PBX call id
        s.execute("INSERT INTO calls (pbx_call_id, direction, outcome, missed, started_at, ended_at) "
            + "VALUES ('1.0', 'INBOUND', 'NO_ANSWER', true, now(), now())");
        assertThat(sqlState(c, "INSERT INTO calls (pbx_call_id, direction, outcome, missed, started_at, ended_at) "
            + "VALUES ('1.0', 'INBOUND', 'NO_ANSWER', true, now(), now())")).isEqualTo("23505");
      }
    }
  }

  @Test
  void healthIsDownWhileTheDatabaseIsStoppedAndUpWhenItReturns() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Database db = Database.embedded(dataDir, port);
    db.migrate();
    AppConfig cfg = ConfigLoader.load(Map.of("DOZVON_HTTP_PORT", "0", "DOZVON_DB_POOL_SIZE", "2",
        "DOZVON_ADMIN_TOKEN", "health-test-token-123456"), Path.of(""));
    App app = App.start(cfg, db).await(60, TimeUnit.SECONDS);
    WebClient client = WebClient.create(app.vertx());
    try {
      assertThat(health(client, app)).containsEntry("status", "UP").containsEntry("db", "UP")
          .containsEntry("ami", "DISABLED").containsEntry("code", 200);

      db.close();
      assertThat(health(client, app)).containsEntry("status", "DOWN").containsEntry("db", "DOWN")
          .containsEntry("code", 503);

      db = Database.embedded(dataDir, port);
      Map<String, Object> back = health(client, app);
      for (int i = 0; i < 50 && !"UP".equals(back.get("status")); i++) {
        back = health(client, app); // the pool replaces its broken connections as they fail
      }
      assertThat(back).containsEntry("status", "UP").containsEntry("code", 200);
    } finally {
      app.stop().await(30, TimeUnit.SECONDS);
      db.close();
    }
  }

  private static Map<String, Object> health(WebClient client, App app) throws Exception {
    var r = client.get(app.httpPort(), "localhost", "/health").send().await(10, TimeUnit.SECONDS);
    JsonObject body = r.bodyAsJsonObject().put("code", r.statusCode());
    return body.getMap();
  }

  private static Connection jdbc(Database db) throws Exception {
    return DriverManager.getConnection(db.url().jdbcUrl(), db.url().user(), db.url().password());
  }

  private static String setting(Connection c, String name) throws Exception {
    ResultSet rs = c.createStatement().executeQuery("SHOW " + name);
    rs.next();
    return rs.getString(1);
  }

  private static String sqlState(Connection c, String sql) {
    try {
      c.createStatement().execute(sql);
      return "none";
    } catch (java.sql.SQLException e) {
      return e.getSQLState();
    }
  }
}
