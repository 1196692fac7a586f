package ru.dozvon.support;

import ru.dozvon.store.DbUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import ru.dozvon.config.AppConfig;
import ru.dozvon.store.Database;

/**
 * One real embedded PostgreSQL for the whole test run, and a fresh, migrated database in it for
 * each test class that asks: tests never share rows, and never mock the database.
 */
public final class TestDatabase {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestDatabase() {
  }

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException ignored) {
          // the JVM is going away
        }
      }));
    }
    return server;
  }

  /** A new empty database, migrated to the current schema. */
  public static DbUrl fresh() {
    EmbeddedPostgres pg = server();
    String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    DbUrl url = new DbUrl("localhost", pg.getPort(), name, "postgres", "");
    Database.external(url).migrate();
    return url;
  }

  /** The URL form of {@code DOZVON_DB_URL} for a database. */
  public static String envUrl(DbUrl url) {
    return "postgresql://" + url.user() + ":@" + url.host() + ":" + url.port() + "/" + url.database();
  }
}
