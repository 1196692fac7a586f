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
    AppConfig cfg;
    try {
      cfg = ConfigLoader.load();
    } catch (ConfigException e) {
      LOG.error("Refusing to start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Database db = Database.open(cfg.database());
    App app;
    try {
      db.migrate();
      app = App.start(cfg, db).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("Start-up failed: {}", e.getMessage(), e);
      db.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down");
      try {
        app.stop().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Shutdown did not finish cleanly: {}", e.getMessage());
      }
      db.close();
    }, "dozvon-shutdown"));
    LOG.info("Dozvon is up: http://localhost:{}/health", app.httpPort());
  }
}
