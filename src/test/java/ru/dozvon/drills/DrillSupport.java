package ru.dozvon.drills;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.store.DbUrl;

/** What the drills share: the service's settings against a test PBX, SQL through JDBC, waiting for an outcome. */
final class DrillSupport {

  static final String AMI_USER = "crm";
  static final String AMI_SECRET = "drill-secret";
  static final String TOKEN = "drill-admin-token-0123456789";

  private DrillSupport() {
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The environment of a service against the test PBX on {@code amiPort}, its data folder {@code dataDir}, with a
   * settings file making the AMI reconnect quick (a drill waits for outcomes, it should not wait for back-off).
   */
  static Map<String, String> env(int amiPort, Path dataDir, Map<String, String> more) throws IOException {
    return env(amiPort, dataDir, more, "");
  }

  /** The same, with more YAML for the settings file (whole sections, e.g. {@code "telephony:\n  max-live-calls: 9\n"}). */
  static Map<String, String> env(int amiPort, Path dataDir, Map<String, String> more, String yamlMore)
      throws IOException {
    Files.createDirectories(dataDir);
    Path yaml = dataDir.resolveSibling(dataDir.getFileName() + "-drill.yaml");
    Files.writeString(yaml, "ami:\n  reconnectMin: 100ms\n  reconnectMax: 500ms\n  pingTimeout: 30s\n"
        + "  socketReadTimeout: 120s\n" + yamlMore);
    Map<String, String> env = new HashMap<>();
    env.put("DOZVON_HTTP_PORT", "0");
    env.put("DOZVON_ADMIN_TOKEN", TOKEN);
    env.put("DOZVON_AMI_HOST", "127.0.0.1");
    env.put("DOZVON_AMI_PORT", String.valueOf(amiPort));
    env.put("DOZVON_AMI_USER", AMI_USER);
    env.put("DOZVON_AMI_SECRET", AMI_SECRET);
    env.put("DOZVON_DB_POOL_SIZE", "4");
    env.put("DOZVON_DATA_DIR", dataDir.toString());
    env.put("DOZVON_CONFIG", yaml.toString());
    env.putAll(more);
    return env;
  }

  static AppConfig config(Map<String, String> env) {
    return ConfigLoader.load(env, Path.of(""));
  }

  static Connection jdbc(DbUrl db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  static long count(DbUrl db, String sql) {
    try (Connection c = jdbc(db); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static List<String> strings(DbUrl db, String sql) {
    try (Connection c = jdbc(db); ResultSet rs = c.createStatement().executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Polls until the outcome is there (waiting for other threads and processes, not for a time rule). */
  static void await(String what, long timeoutMs, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }

  /** A SQL list of the ids: ('a','b',...). */
  static String in(List<String> ids) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < ids.size(); i++) {
      sb.append(i == 0 ? "'" : ",'").append(ids.get(i).replace("'", "''")).append('\'');
    }
    return sb.append(')').toString();
  }
}
