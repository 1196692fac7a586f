package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * A call the database refuses for good (here a NUL byte the PBX sent in the dialled number, which no
 * PostgreSQL text or JSONB value may hold) is tried twice, then filed as unrecordable, counted and shown by
 * /health, and leaves the retry queue and the unrecorded-calls file; the customer's next call becomes a deal as
 * usual. The whole path is real: TCP AMI server, Asterisk-Java, the tracker, group commit, PostgreSQL.
 */
class UnrecordableCallTest {

  /** The missed call of {@code ami/missed.ami} (from +79161234567) under other PBX ids, the dialled number as given. */
  private static String missedCall(String idPrefix, String exten) {
    return new String(Transcript.load("ami/missed.ami").bytes(), StandardCharsets.ISO_8859_1)
        .replace("1795551887.", idPrefix + ".")
        .replace("Exten: 74951234567\r\n", "Exten: " + exten + "\r\n");
  }

  private static final String POISON_EXTEN = "7495123\u00004567";

  @Test
  void aCallTheDatabaseRefusesIsFiledOnceCountedShownAndTheStreamGoesOn() throws Exception {
    LogCapture logs = LogCapture.attach();
    TestAmiServer pbx = TestAmiServer.start("crm", "pbx-secret-1");
    TestApp t = start(pbx);
    try {
      Path spool = t.config.database().dataDir().resolve("unrecorded-calls.jsonl");
      String operatorToken = t.createManager("Olga", "151", 5).getString("token");

      pbx.sendRaw(missedCall("1795700000", POISON_EXTEN));
      pbx.sendRaw(missedCall("1795700100", "74951234567")); // the same customer again, at once
      eventually(t, "the good call recorded", () -> count(t, "SELECT count(*) FROM calls") == 1);
      eventually(t, "the bad one filed", () -> {
        retryNow(t);
        return count(t, "SELECT count(*) FROM unrecordable_calls") == 1;
      });

      // the good call became a deal, on its own
      assertThat(count(t, "SELECT count(*) FROM calls c JOIN deals d ON d.id = c.deal_id"
          + " WHERE c.pbx_call_id = '1795700100.0' AND d.source = 'missed_call' AND d.status = 'OPEN'")).isEqualTo(1);
      assertThat(count(t, "SELECT count(*) FROM calls WHERE pbx_call_id = '1795700000.0'")).isZero();

      // filed once, with its facts and why
      JsonArray rows = TestApp.await(t.get("/api/calls/unrecordable", TestApp.ADMIN_TOKEN).send()).bodyAsJsonArray();
      assertThat(rows).hasSize(1);
      JsonObject row = rows.getJsonObject(0);
      assertThat(row.getString("pbxCallId")).isEqualTo("1795700000.0");
      assertThat(row.getString("sqlstate")).as("a data exception").startsWith("22");
      assertThat(row.getString("error")).isNotBlank();
      assertThat(row.getInteger("attempts")).as("tried once more, then final").isEqualTo(2);
      assertThat(row.getJsonObject("facts").getString("companyNumber")).isEqualTo("7495123\\u00004567");
      assertThat(row.getJsonObject("facts").getString("phone")).isEqualTo("+79161234567");
      assertThat(row.getString("acknowledgedAt")).isNull();
      assertThat(t.app.telephony().pendingCalls()).isZero();
      eventually(t, "the unrecorded-calls file emptied", () -> lines(spool).isEmpty());
      assertThat(metric(t)).isEqualTo("1.0");
      assertThat(logs.errorsContaining("Call 1795700000.0 is unrecordable")).isEqualTo(1);

      // the retry loop is over: more retries and time change nothing
      for (int i = 0; i < 3; i++) {
        retryNow(t);
      }
      t.app.vertx().timer(500).await(); // beyond the first backoff (200 ms), had a timer been left behind
      assertThat(logs.anyContains("refused again")).isFalse();
      assertThat(count(t, "SELECT count(*) FROM unrecordable_calls")).isEqualTo(1);
      assertThat(count(t, "SELECT sum(attempts) FROM unrecordable_calls")).isEqualTo(2);
      assertThat(metric(t)).isEqualTo("1.0");

      // /health: DEGRADED but serving, until someone acknowledges it
      var health = TestApp.await(t.http.get("/health").send());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.bodyAsJsonObject().getMap()).containsEntry("status", "DEGRADED").containsEntry("db", "UP")
          .containsEntry("ami", "CONNECTED").containsEntry("unrecordableCalls", 1);

      long id = row.getLong("id");
      assertThat(TestApp.await(t.get("/api/calls/unrecordable", operatorToken).send()).statusCode()).isEqualTo(403);
      assertThat(TestApp.await(t.post("/api/calls/unrecordable/" + id + "/ack", operatorToken).send()).statusCode())
          .isEqualTo(403);
      assertThat(TestApp.await(t.post("/api/calls/unrecordable/999999/ack", TestApp.ADMIN_TOKEN).send()).statusCode())
          .isEqualTo(404);
      var acked = TestApp.await(t.post("/api/calls/unrecordable/" + id + "/ack", TestApp.ADMIN_TOKEN).send());
      assertThat(acked.statusCode()).isEqualTo(200);
      assertThat(acked.bodyAsJsonObject().getString("acknowledgedBy")).isEqualTo("admin");
      String at = acked.bodyAsJsonObject().getString("acknowledgedAt");
      assertThat(at).isNotNull();
      assertThat(TestApp.await(t.post("/api/calls/unrecordable/" + id + "/ack", TestApp.ADMIN_TOKEN).send())
          .bodyAsJsonObject().getString("acknowledgedAt")).as("the first acknowledgement stays").isEqualTo(at);
      health = TestApp.await(t.http.get("/health").send());
      assertThat(health.bodyAsJsonObject().getMap()).containsEntry("status", "UP").containsEntry("unrecordableCalls", 0);

      // a later call of the same customer lands on the deal, as any other
      pbx.sendRaw(missedCall("1795700200", "74951234567"));
      eventually(t, "the next call recorded", () -> count(t, "SELECT count(*) FROM calls") == 2);
      assertThat(count(t, "SELECT count(DISTINCT deal_id) FROM calls")).isEqualTo(1);
    } finally {
      logs.detach();
      t.close();
      pbx.close();
    }
  }

  /** Filing the call fails too (here a constraint the test adds): the call keeps waiting, and is filed later. */
  @Test
  void aRefusedCallThatCannotBeFiledEitherKeepsWaiting() throws Exception {
    LogCapture logs = LogCapture.attach();
    TestAmiServer pbx = TestAmiServer.start("crm", "pbx-secret-1");
    TestApp t = start(pbx);
    try {
      Path spool = t.config.database().dataDir().resolve("unrecorded-calls.jsonl");
      sql(t, "ALTER TABLE unrecordable_calls ADD CONSTRAINT test_refuses_all CHECK (false) NOT VALID");
      pbx.sendRaw(missedCall("1795700300", POISON_EXTEN));
      eventually(t, "filing refused", () -> {
        retryNow(t);
        return logs.anyContains("could not be filed as unrecordable yet");
      });
      assertThat(t.app.telephony().pendingCalls()).as("still waiting, never dropped").isEqualTo(1);
      eventually(t, "kept on disk", () -> lines(spool).stream().anyMatch(l -> l.startsWith("+")
          && l.contains("1795700300.0")));

      sql(t, "ALTER TABLE unrecordable_calls DROP CONSTRAINT test_refuses_all");
      eventually(t, "filed once it can be", () -> {
        retryNow(t);
        return t.app.telephony().pendingCalls() == 0;
      });
      assertThat(count(t, "SELECT count(*) FROM unrecordable_calls WHERE pbx_call_id = '1795700300.0'"))
          .isEqualTo(1);
      assertThat(count(t, "SELECT attempts FROM unrecordable_calls")).isGreaterThanOrEqualTo(3);
      eventually(t, "the unrecorded-calls file emptied", () -> lines(spool).isEmpty());
      assertThat(logs.errorsContaining("Call 1795700300.0 is unrecordable")).isEqualTo(1);
    } finally {
      logs.detach();
      t.close();
      pbx.close();
    }
  }

  private static TestApp start(TestAmiServer pbx) {
    TestApp t = TestApp.start(Map.of("DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()),
        "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1"));
    eventually(t, "AMI connected", () -> "CONNECTED".equals(t.app.telephony().state()));
    return t;
  }

  /** Runs the next retry at once, as its backoff timer would (time rules are driven, not waited for). */
  private static void retryNow(TestApp t) {
    try {
      t.app.telephony().retryNow().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String metric(TestApp t) {
    String text = TestApp.await(t.http.get("/metrics").send()).bodyAsString();
    return text.lines().filter(l -> l.startsWith("dozvon_calls_unrecordable_total "))
        .map(l -> l.substring(l.indexOf(' ') + 1)).findFirst().orElse("absent");
  }

  private static long count(TestApp t, String query) {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password());
         PreparedStatement s = c.prepareStatement(query)) {
      ResultSet rs = s.executeQuery();
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sql(TestApp t, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password())) {
      c.createStatement().execute(statement);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void eventually(TestApp t, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      t.app.vertx().timer(20).await();
    }
  }
}
