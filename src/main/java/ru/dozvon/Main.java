package ru.dozvon;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigException;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.store.Database;

/**
 * {@code java -jar target/dozvon.jar}: reads the settings, opens (or starts) the database,
 * migrates it, starts the service, and on SIGTERM/Ctrl-C shuts down in reverse order.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    boolean demo;
    try {
      demo = java.util.Arrays.asList(args).contains("--demo") || ConfigLoader.demo(System.getenv());
    } catch (ConfigException e) {
      LOG.error("Refusing to start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    for (String a : args) {
      if (!a.equals("--demo")) {
        LOG.error("Refusing to start: unknown argument '{}' (expected none, or --demo)", a);
        System.exit(2);
        return;
      }
    }
    if (demo) {
      demo();
      return;
    }
    AppConfig cfg;
    try {
      cfg = ConfigLoader.load();
    } catch (ConfigException e) {
      LOG.error("Refusing to start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Database db = null;
    App app;
    try {
      // an embedded server orphaned by a previous run killed with SIGKILL is stopped first (Database)
      db = Database.open(cfg.database().url(), cfg.database().dataDir());
      db.migrate();
      app = App.start(cfg, db).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("Start-up failed: {}", e.getMessage(), e);
      if (db != null) {
        db.close();
      }
      System.exit(1);
      return;
    }
    Database started = db;
    // SIGTERM/Ctrl-C. zonky registers a hook of its own when it starts the embedded server (pg_ctl
    // stop -m fast), which also covers a SIGTERM during start-up; hooks run concurrently, and
    // Database.close after it is a no-op. SIGKILL runs no hook: the next start clears the orphan.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down");
      try {
        app.stop().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Shutdown did not finish cleanly: {}", e.getMessage());
      }
      started.close();
    }, "dozvon-shutdown"));
    LOG.info("Dozvon is up: http://localhost:{}/health", app.httpPort());
  }

  /** Demo mode: the simulated PBX built in, demo staff, a gentle stream of calls (docs/DEMO.md). */
  private static void demo() {
    Demo running;
    try {
      running = Demo.start(System.getenv(), java.nio.file.Path.of(""), System.out);
    } catch (ConfigException e) {
      LOG.error("Refusing to start: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("Demo start-up failed: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down the demo");
      running.close();
    }, "dozvon-shutdown"));
    LOG.info("Dozvon demo is up: http://localhost:{}/ (sign-ins in {})", running.app().httpPort(),
        running.signInsFile());
  }
}
