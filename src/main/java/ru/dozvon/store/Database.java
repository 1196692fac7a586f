package ru.dozvon.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Optional;

/**
 * The system of record: an external PostgreSQL given by URL, or an embedded one (zonky) in a data
 * folder, started with durability on (fsync, synchronous_commit, full_page_writes) and kept across
 * restarts. Start-up is blocking and runs before Vert.x starts; queries then go through the
 * reactive {@link Pool} made by {@link #pool}.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** Data folders of the embedded servers this JVM runs (a second start on one is refused). */
  private static final Set<Path> OPEN_FOLDERS = ConcurrentHashMap.newKeySet();

  private final DbUrl url;
  private final EmbeddedPostgres embedded;
  private final Path folder;

  private Database(DbUrl url, EmbeddedPostgres embedded, Path folder) {
    this.url = url;
    this.embedded = embedded;
    this.folder = folder;
  }

  /** Connects to the configured database, starting the embedded one when no URL is set. */
  public static Database open(Optional<DbUrl> url, Path dataDir) {
    return url.map(Database::external).orElseGet(() -> embedded(dataDir, 0));
  }

  /** An external PostgreSQL: nothing is started. */
  public static Database external(DbUrl url) {
    LOG.info("Using PostgreSQL at {}", url);
    return new Database(url, null, null);
  }

  /**
   * Starts an embedded PostgreSQL with durability on, its data in {@code dataDir} (created if
   * absent, kept if present). A server left running in the folder by a previous run that was killed
   * (SIGKILL: no shutdown hook ran) is stopped first, and a stale pid file cleared
   * ({@link OrphanedPostmaster}); a folder held by a live Dozvon is refused.
   *
   * @param port a fixed port, or 0 for any free one
   */
  public static Database embedded(Path dataDir, int port) {
    return embedded(dataDir, port, Map.of());
  }

  /** As {@link #embedded(Path, int)}, with more server settings (benchmarks: {@code shared_preload_libraries}). */
  public static Database embedded(Path dataDir, int port, Map<String, String> settings) {
    Path dir = dataDir.toAbsolutePath().normalize();
    Path folder;
    try {
      Files.createDirectories(dir);
      folder = dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data folder " + dir, e);
    }
    if (!OPEN_FOLDERS.add(folder)) {
      // checked before touching its lock file: closing any channel on it would drop this JVM's lock
      throw new IllegalStateException("data folder " + dir + " is in use: this process runs its embedded PostgreSQL already");
    }
    OrphanedPostmaster.Result found = null;
    try {
      found = OrphanedPostmaster.onThisMachine().clear(dir);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("max_connections", "200");
      settings.forEach(builder::setServerConfig);
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres pg = builder.start();
      LOG.info("Embedded PostgreSQL started on port {} with data in {}", pg.getPort(), dir);
      return new Database(new DbUrl("localhost", pg.getPort(), "postgres", "postgres", ""), pg, folder);
    } catch (IOException e) {
      OPEN_FOLDERS.remove(folder);
      String hint = found != null && found.outcome() == OrphanedPostmaster.Outcome.LEFT_ALONE ? ": " + found.detail() : "";
      throw new UncheckedIOException("embedded PostgreSQL did not start in " + dir + hint, e);
    } catch (RuntimeException e) {
      OPEN_FOLDERS.remove(folder);
      throw e;
    }
  }

  /** Applies the migrations of {@code sql/} (bundled as {@code db/migration}) in order. */
  public void migrate() {
    var result = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
    LOG.info("Database schema at version {} ({} migrations applied now)",
        result.targetSchemaVersion, result.migrationsExecuted);
  }

  /** A reactive pool on this database. */
  public Pool pool(Vertx vertx, int maxSize) {
    PgConnectOptions connect = connectOptions()
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
    PoolOptions pool = new PoolOptions().setMaxSize(maxSize).setName("dozvon").setShared(false)
        .setConnectionTimeout(5).setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
        .setMaxWaitQueueSize(10_000);
    return PgBuilder.pool().with(pool).with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(3000))
        .connectingTo(connect).using(vertx).build();
  }

  /** Where to connect, for a connection of its own (LISTEN). */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(url.host())
        .setPort(url.port())
        .setDatabase(url.database())
        .setUser(url.user())
        .setPassword(url.password());
  }

  public DbUrl url() {
    return url;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  /** Stops the embedded PostgreSQL, if this started one. */
  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
        LOG.info("Embedded PostgreSQL stopped");
      } catch (IOException e) {
        LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      } finally {
        OPEN_FOLDERS.remove(folder);
      }
    }
  }
}
