package ru.dozvon.drills;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ru.dozvon.App;
import ru.dozvon.config.AppConfig;
import ru.dozvon.store.Database;
import ru.dozvon.store.DbUrl;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * Drill: the database (embedded PostgreSQL, its own, on a fixed port) is stopped and started again while missed
 * calls keep coming from the PBX (the test AMI server over TCP, the real Asterisk-Java client, the real service).
 * A third of the calls come before the stop, a third while the database is down, a third once it is back. Every
 * call must end up stored once, each its own deal, and the calls held in memory must stay within
 * {@code max_buffered_calls} (the rest wait in the write-ahead journal).
 */
public final class DbRestartDrill {

  /** What the drill saw. */
  public record Result(int calls, long stored, long distinctStored, long deals, long distinctDeals,
                       int peakBuffered, int peakJournalOnly, int maxBuffered, long downMs, long recoverMs,
                       long totalMs) {
    @Override
    public String toString() {
      return String.format("DbRestartDrill: %d missed calls, database down %d ms: stored %d (distinct %d), deals %d"
              + " (distinct %d); peak in memory %d (bound %d), peak in the journal only %d; all stored %d ms after"
              + " the database was back; %d ms in all", calls, downMs, stored, distinctStored, deals, distinctDeals,
          peakBuffered, maxBuffered, peakJournalOnly, recoverMs, totalMs);
    }
  }

  private DbRestartDrill() {
  }

  /** Runs the drill with {@code calls} missed calls, at most {@code maxBuffered} held in memory, in {@code work}. */
  public static Result run(int calls, int maxBuffered, Path work) throws Exception {
    long t0 = System.nanoTime();
    int pgPort = DrillSupport.freePort();
    Path pgDir = work.resolve("pg");
    Database db = Database.embedded(pgDir, pgPort);
    db.migrate();
    DbUrl url = db.url();
    DrillCalls missed = new DrillCalls("ami/pjsip/missed.ami", 3);
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < calls; k++) {
      ids.add(missed.linkedid(k));
    }
    TestAmiServer pbx = TestAmiServer.start(DrillSupport.AMI_USER, DrillSupport.AMI_SECRET);
    AppConfig cfg = DrillSupport.config(DrillSupport.env(pbx.port(), work.resolve("data"),
        Map.of("DOZVON_MAX_BUFFERED_CALLS", String.valueOf(maxBuffered))));
    App app = App.start(cfg, db).await(90, TimeUnit.SECONDS);
    int[] peakJournalOnly = {0};
    long downMs;
    long recoverMs;
    try {
      DrillSupport.await("AMI connected", 30_000, () -> "CONNECTED".equals(app.telephony().state()));
      int third = calls / 3;
      send(app, pbx, missed, 0, third);
      DrillSupport.await("the first third stored", 60_000, () -> DrillSupport.count(url,
          "SELECT count(*) FROM calls") >= third);

      long down = System.nanoTime();
      db.close(); // the database stops (fast shutdown): connections break, new ones are refused
      send(app, pbx, missed, third, 2 * third);
      DrillSupport.await("the second third waiting", 60_000, () -> {
        peakJournalOnly[0] = Math.max(peakJournalOnly[0], app.telephony().journalOnlyCalls());
        return app.telephony().pendingCalls() >= third;
      });
      db = Database.embedded(pgDir, pgPort);
      long back = System.nanoTime();
      downMs = (back - down) / 1_000_000;
      send(app, pbx, missed, 2 * third, calls);
      DrillSupport.await("every call stored", 180_000, () -> {
        peakJournalOnly[0] = Math.max(peakJournalOnly[0], app.telephony().journalOnlyCalls());
        return app.telephony().pendingCalls() == 0
            && DrillSupport.count(url, "SELECT count(*) FROM calls") >= calls;
      });
      recoverMs = (System.nanoTime() - back) / 1_000_000;
      String ours = DrillSupport.in(ids);
      long stored = DrillSupport.count(url, "SELECT count(*) FROM calls WHERE pbx_call_id IN " + ours);
      long distinct = DrillSupport.count(url, "SELECT count(DISTINCT pbx_call_id) FROM calls WHERE pbx_call_id IN "
          + ours);
      long deals = DrillSupport.count(url, "SELECT count(*) FROM deals WHERE source = 'missed_call'");
      long distinctDeals = DrillSupport.count(url, "SELECT count(DISTINCT deal_id) FROM calls WHERE pbx_call_id IN "
          + ours);
      return new Result(calls, stored, distinct, deals, distinctDeals, app.telephony().peakBufferedCalls(),
          peakJournalOnly[0], maxBuffered, downMs, recoverMs, (System.nanoTime() - t0) / 1_000_000);
    } finally {
      app.stop().await(60, TimeUnit.SECONDS);
      db.close();
      pbx.close();
    }
  }

  /**
   * Calls {@code from} to {@code to} (exclusive), whole, 20 at a time, each chunk once the service has closed all but
   * 40 of the calls sent before it: a steady stream the service keeps up with, even on a loaded machine, rather than
   * megabytes in the socket (which would make the AMI keep-alive give up and lose them with the connection).
   */
  static void send(App app, TestAmiServer pbx, DrillCalls calls, int from, int to) {
    long base = app.telephony().callsEnded() - from;
    StringBuilder chunk = new StringBuilder();
    for (int k = from; k < to; k++) {
      chunk.append(calls.call(k));
      if ((k - from) % 20 == 19 || k == to - 1) {
        long sent = k + 1;
        long behind = sent - 20;
        DrillSupport.await("the service keeps up with the PBX", 120_000,
            () -> app.telephony().callsEnded() - base >= behind - 40);
        pbx.sendRaw(chunk.toString());
        chunk.setLength(0);
      }
    }
  }
}
