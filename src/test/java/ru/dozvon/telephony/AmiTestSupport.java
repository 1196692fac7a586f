package ru.dozvon.telephony;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import ru.dozvon.telephony.testami.TestAmiServer;

/** Shared settings and waiting for real I/O (by polling on a Vert.x timer, never by sleeping). */
final class AmiTestSupport {

  static final String USER = "crm";
  static final String SECRET = "s3cr3t-Zebra-42";

  private AmiTestSupport() {
  }

  /** Small intervals so a test runs in well under a second per scenario. */
  static AmiSettings settings(TestAmiServer server, String user, String secret) {
    return new AmiSettings("127.0.0.1", server.port(), user, secret, Duration.ofSeconds(1), Duration.ofSeconds(3),
        Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(400));
  }

  static AmiSettings settings(TestAmiServer server) {
    return settings(server, USER, SECRET);
  }

  /** Completes once the condition holds, fails after {@code timeoutMs}. */
  static Future<Void> until(Vertx vertx, String what, long timeoutMs, BooleanSupplier condition) {
    Promise<Void> p = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    vertx.setPeriodic(5, 10, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        p.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        p.tryFail(new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what));
      }
    });
    return p.future();
  }
}
