package ru.dozvon.telephony.cdr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import ru.dozvon.store.DbUrl;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;
import ru.dozvon.support.TestDatabase;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * Calls missed while Dozvon was down, recovered from a real CDR table (as cdr_pgsql writes it) in a real embedded
 * PostgreSQL by the real service: deals after start, stored once beside the AMI path, and the watermark kept across a
 * restart. Time is moved on a clock, never waited for.
 */
class CdrRecoveryEndToEndTest {

  /** After every shaped call of {@link CdrRows} (the last ends 22:50:10 UTC). */
  static final Instant NOW = Instant.parse("2026-11-24T23:00:00Z");

  static final List<String> MISSED = List.of("1795554549.0", "1795555000.40", "1795560000.10", "1795561000.20",
      "1795562000.30", "1795563000.40", "1795551887.0", "1795551900.8");
  static final List<String> NOT_MISSED = List.of("1795551893.4", "1795551913.20", "1795564000.50", "1795565000.60");

  static Map<String, String> env(DbUrl cdrDb, String table) throws Exception {
    Path yaml = Files.createTempFile("dozvon-cdr", ".yaml");
    Files.writeString(yaml, "telephony:\n  cdr:\n    first_lookback: 6h\n");
    Map<String, String> env = new HashMap<>();
    env.put("DOZVON_CONFIG", yaml.toString());
    env.put("DOZVON_CDR_TABLE", table);
    if (cdrDb != null) {
      env.put("DOZVON_CDR_DB_URL", TestDatabase.envUrl(cdrDb));
    }
    return env;
  }

  static void eventually(TestApp t, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      t.app.vertx().timer(20).await();
    }
  }

  static long count(DbUrl db, String sql) {
    try (Connection c = CdrTable.connect(db); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String one(DbUrl db, String sql) {
    try (Connection c = CdrTable.connect(db); ResultSet rs = c.createStatement().executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long calls(TestApp t, String linkedid) {
    return count(t.db, "SELECT count(*) FROM calls WHERE pbx_call_id = '" + linkedid + "'");
  }

  static double recovered(TestApp t) {
    var c = t.app.meters().registry().find("dozvon_cdr_recovered_calls_total").counter();
    return c == null ? 0 : c.count();
  }

  static CdrRow[][] everyShape() {
    return new CdrRow[][] {CdrRows.pjsipMissed(), CdrRows.cancelled(), CdrRows.pjsipQueueAnsweredByPbxOnly(),
        CdrRows.ringAllNobody("NO ANSWER", "BUSY"), CdrRows.withheld(), CdrRows.voicemail(),
        CdrRows.localMissedWithGap(), CdrRows.localQueueAbandoned(), CdrRows.localAnswered(),
        CdrRows.localQueueAnswered(), CdrRows.clickToCall(), CdrRows.internal()};
  }

  @Test
  void missedCallsInTheCdrTableBecomeDealsAfterStartAndNothingElseIsStored() throws Exception {
    DbUrl db = TestDatabase.fresh();
    CdrTable cdr = CdrTable.create(db, true); // the deployment's layout: asterisk.cdr beside Dozvon's tables
    for (CdrRow[] call : everyShape()) {
      cdr.insert(call);
    }
    MovableClock clock = new MovableClock(NOW);
    try (TestApp t = TestApp.startOn(db, env(null, "asterisk.cdr"), clock)) {
      eventually(t, "every missed call recovered", () -> MISSED.stream().allMatch(id -> calls(t, id) == 1));
      for (String id : NOT_MISSED) {
        assertThat(calls(t, id)).as("answered by an operator or not inbound: not the recovery's " + id).isZero();
      }
      assertThat(count(db, "SELECT count(*) FROM calls")).isEqualTo(MISSED.size());
      // every recovered call with a number is on a missed-call deal; the withheld one on none
      assertThat(count(db, "SELECT count(*) FROM calls c JOIN deals d ON d.id = c.deal_id "
          + "WHERE d.source = 'missed_call' AND c.missed")).isEqualTo(MISSED.size() - 1);
      assertThat(one(db, "SELECT withheld::text || '/' || (deal_id IS NULL)::text FROM calls "
          + "WHERE pbx_call_id = '1795562000.30'")).isEqualTo("true/true");
      assertThat(one(db, "SELECT outcome || '/' || queue || '/' || customer_phone FROM calls "
          + "WHERE pbx_call_id = '1795560000.10'")).isEqualTo("NO_ANSWER/support/+79257654321");
      assertThat(one(db, "SELECT ended_at::text FROM calls WHERE pbx_call_id = '1795554549.0'"))
          .as("times read as UTC").startsWith("2026-11-24 21:09:14");
      var deals = TestApp.await(t.get("/api/deals?phone=%2B79161234567", TestApp.ADMIN_TOKEN).send())
          .bodyAsJsonArray();
      assertThat(deals).as("two missed calls from one number: one open deal").hasSize(1);
      assertThat(recovered(t)).isEqualTo(MISSED.size());

      // reconciling again (a timer, an AMI resync) finds them stored: nothing doubled
      t.app.cdrRecovery().reconcileNow("test").await(30, TimeUnit.SECONDS);
      assertThat(count(db, "SELECT count(*) FROM calls")).isEqualTo(MISSED.size());
      assertThat(recovered(t)).isEqualTo(MISSED.size());
    }
  }

  @Test
  void aCallSeenByAmiAndByTheCdrsIsStoredOnceWhicheverComesFirst() throws Exception {
    DbUrl db = TestDatabase.fresh();
    CdrTable cdr = CdrTable.create(db, true);
    MovableClock clock = new MovableClock(NOW);
    try (TestAmiServer pbx = TestAmiServer.start("crm", "pbx-secret-1")) {
      Map<String, String> env = env(null, "asterisk.cdr");
      env.putAll(Map.of("DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()),
          "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1"));
      try (TestApp t = TestApp.startOn(db, env, clock)) {
        eventually(t, "AMI connected", () -> "CONNECTED".equals(t.app.telephony().state()));
        // AMI first: the PJSIP missed call, then its CDR row
        pbx.sendRaw(Transcript.load("ami/pjsip/missed.ami").bytes());
        eventually(t, "AMI stored it", () -> calls(t, "1795554549.0") == 1);
        String amiCause = one(db, "SELECT hangup_cause::text FROM calls WHERE pbx_call_id = '1795554549.0'");
        assertThat(amiCause).as("the AMI path knows the hangup cause (CDRs do not)").isNotNull();
        // (its row moved to 22:54, within the overlap before the watermark the start-up reconcile left at 22:59)
        cdr.insert(CdrTable.moved(CdrRows.pjsipMissed(), Duration.ofMinutes(105), ""));
        var report = t.app.cdrRecovery().reconcileNow("test").await(30, TimeUnit.SECONDS);
        assertThat(report.missed()).as("the reconcile read it as missed").isEqualTo(1);
        assertThat(report.recovered()).as("and found it stored").isZero();
        assertThat(calls(t, "1795554549.0")).isEqualTo(1);
        assertThat(one(db, "SELECT hangup_cause::text FROM calls WHERE pbx_call_id = '1795554549.0'"))
            .as("the AMI path's record is kept").isEqualTo(amiCause);

        // CDRs first (the call ended while the link was down), then AMI tells the same call late
        cdr.insert(CdrTable.moved(CdrRows.localMissedWithGap(), Duration.ofMinutes(150), "")); // ended 22:54:50
        report = t.app.cdrRecovery().reconcileNow("test").await(30, TimeUnit.SECONDS);
        assertThat(report.recovered()).isEqualTo(1);
        assertThat(calls(t, "1795551887.0")).isEqualTo(1);
        pbx.sendRaw(Transcript.load("ami/missed.ami").bytes());
        pbx.sendRaw(Transcript.load("ami/scenarios/internal_call.ami").bytes());
        eventually(t, "AMI handled what followed", () -> calls(t, "1795556000.140") == 1);
        assertThat(calls(t, "1795551887.0")).isEqualTo(1);
        assertThat(count(db, "SELECT count(*) FROM deals WHERE source = 'missed_call'")).isEqualTo(1);
        assertThat(recovered(t)).as("only the call AMI never told was recovered").isEqualTo(1);
      }
    }
  }

  @Test
  void theWatermarkSurvivesARestartAndTheOverlapCatchesLateRows() throws Exception {
    DbUrl db = TestDatabase.fresh();
    DbUrl cdrDb = TestDatabase.fresh(); // the CDRs in a database of their own, in the default table name
    CdrTable cdr = CdrTable.create(cdrDb, false);
    cdr.insert(CdrRows.pjsipMissed());
    MovableClock clock = new MovableClock(NOW);
    TestApp first = TestApp.startOn(db, env(cdrDb, "cdr"), clock);
    TestApp t = first;
    try {
      eventually(first, "recovered", () -> calls(first, "1795554549.0") == 1);
      eventually(first, "watermark stored", () -> count(db, "SELECT count(*) FROM cdr_watermarks") == 1);
      String source = one(db, "SELECT source FROM cdr_watermarks");
      assertThat(source).doesNotContain("postgres:").endsWith("/cdr");
      assertThat(one(db, "SELECT read_to::text FROM cdr_watermarks")).startsWith("2026-11-24 22:59:00");

      first.close(); // Dozvon is down; Asterisk goes on writing CDRs
      t = null;
      // written while Dozvon was down: ended before the watermark less the overlap (22:49): reconciled before,
      // left alone (a first start, looking 6 h back, would take it)
      cdr.insert(CdrTable.moved(CdrRows.cancelled(), Duration.ofMinutes(-50), "1")); // ended 20:40:05
      cdr.insert(CdrTable.moved(CdrRows.pjsipMissed(), Duration.ofMinutes(99), "2")); // ended 22:48:14
      // ended within the overlap (22:55): a late row the last reconcile could not see
      cdr.insert(CdrTable.moved(CdrRows.pjsipMissed(), Duration.ofMinutes(106), "3")); // ended 22:55:14
      // ended after the watermark
      cdr.insert(CdrTable.moved(CdrRows.localQueueAbandoned(), Duration.ofMinutes(170), "4")); // ended 23:15:03
      // ended within the settle time (23:29:30): waits for the next reconcile
      cdr.insert(CdrTable.moved(CdrRows.pjsipMissed(), Duration.ofMinutes(140).plusSeconds(16), "5"));
      clock.advance(Duration.ofMinutes(30)); // 23:30; the watermark is 22:59 (then, less the settle time)
      TestApp restarted = TestApp.startOn(db, env(cdrDb, "cdr"), clock);
      t = restarted;
      // the start-up reconcile, then this one after it
      restarted.app.cdrRecovery().reconcileNow("test").await(30, TimeUnit.SECONDS);
      assertThat(calls(restarted, "1795555000.401")).as("before the watermark").isZero();
      assertThat(calls(restarted, "1795554549.02")).as("before the watermark less the overlap").isZero();
      assertThat(calls(restarted, "1795554549.03")).as("late row within the overlap").isEqualTo(1);
      assertThat(calls(restarted, "1795551900.84")).as("after the watermark").isEqualTo(1);
      assertThat(calls(restarted, "1795554549.05")).as("still settling").isZero();
      assertThat(one(db, "SELECT read_to::text FROM cdr_watermarks")).startsWith("2026-11-24 23:29:00");

      clock.advance(Duration.ofMinutes(2));
      restarted.app.cdrRecovery().reconcileNow("test").await(30, TimeUnit.SECONDS);
      assertThat(calls(restarted, "1795554549.05")).as("settled").isEqualTo(1);
    } finally {
      if (t != null) {
        t.close();
      }
      // (t: the first app if the test failed before its restart, else the restarted one) if the test failed before its restart, else the restarted one
    }
  }

  @Test
  void withNoCdrTableTheServiceStartsAndWaitsForOne() throws Exception {
    DbUrl db = TestDatabase.fresh();
    MovableClock clock = new MovableClock(NOW);
    try (TestApp t = TestApp.startOn(db, env(null, "cdr"), clock)) {
      var r = t.app.cdrRecovery().reconcileNow("test").await(30, TimeUnit.SECONDS);
      assertThat(r.readTo()).isNull();
      assertThat(count(db, "SELECT count(*) FROM cdr_watermarks")).isZero();
      // the table appears (cdr_pgsql configured later): the next reconcile reads it
      CdrTable.create(db, false).insert(CdrRows.pjsipMissed());
      t.app.cdrRecovery().reconcileNow("test").await(30, TimeUnit.SECONDS);
      assertThat(calls(t, "1795554549.0")).isEqualTo(1);
    }
  }
}
