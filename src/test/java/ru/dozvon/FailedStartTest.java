package ru.dozvon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.store.Database;
import ru.dozvon.support.TestDatabase;

/** A start that fails reports its failure promptly (it used to hang until the caller's timeout). */
class FailedStartTest {

  @Test
  void aPortInUseFailsTheStartWithTheCauseWithinSeconds() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      var db = TestDatabase.fresh();
      AppConfig cfg = ConfigLoader.load(Map.of(
          "DOZVON_DB_URL", TestDatabase.envUrl(db),
          "DOZVON_HTTP_PORT", String.valueOf(taken.getLocalPort()),
          "DOZVON_ADMIN_TOKEN", "test-admin-token-0123456789",
          "DOZVON_DATA_DIR", Files.createTempDirectory("dozvon-failed-start").toString()), Path.of(""));
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> App.start(cfg, Database.external(db)).await(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(e).isNotInstanceOf(java.util.concurrent.TimeoutException.class))
          .hasStackTraceContaining("ddress");
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(25);
    }
  }
}
