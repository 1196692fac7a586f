package ru.dozvon.drills;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ru.dozvon.App;
import ru.dozvon.config.AppConfig;
import ru.dozvon.store.Database;
import ru.dozvon.store.DbUrl;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * Drill: the AMI connection cut by the PBX in the middle of calls (the real service, the real Asterisk-Java client
 * over TCP, the test AMI server replaying Asterisk 22 PJSIP transcripts with fresh ids; embedded PostgreSQL).
 *
 * <p>Three kinds of call, {@code n} of each per fate: <b>ringing</b> (missed.ami up to its DialEnd: an operator's
 * phone rings), <b>answered</b> (answered.ami up to its first HangupRequest: customer and operator talk in a bridge) and
 * <b>queued</b> (queue_answered.ami up to AgentCalled: the caller waits in the queue). Fates:
 * <ul>
 *   <li>control: the whole call before the cut;</li>
 *   <li>ends in the cut: its start before the cut; it ends while the link is down (the PBX lists none of its channels
 *       at the resync);</li>
 *   <li>goes on: its start before the cut; its channels are listed by the resync's CoreShowChannels; its end after;</li>
 *   <li>began in the cut: nothing heard before the cut; listed at the resync; its end after.</li>
 * </ul>
 * The cut itself falls in the middle of an event. Checked: every call the PBX reported stored once with the outcome
 * its events (or, for the calls that ended unheard, the resync) give: ringing calls and queued callers who gave up
 * in the cut missed, each with its deal; answered and queue-answered calls contact made (not missed, no deal of
 * their own); no call left in progress.
 */
public final class AmiCutDrill {

  enum Kind {
    RINGING("ami/pjsip/missed.ami", 4, "DialEnd"),
    ANSWERED("ami/pjsip/answered.ami", 5, "HangupRequest"),
    QUEUED("ami/pjsip/queue_answered.ami", 6, "AgentCalled");

    final String resource;
    final int series;
    final String split;

    Kind(String resource, int series, String split) {
      this.resource = resource;
      this.series = series;
      this.split = split;
    }
  }

  enum Fate { CONTROL, ENDS_IN_CUT, GOES_ON, BEGAN_IN_CUT }

  /** What the drill saw. */
  public record Result(int perGroup, int pbxCalls, long stored, long distinct, long missedExpected,
                       long missedRight, long dealsDistinct, long contactExpected, long contactRight,
                       int liveAfter, int pendingAfter, List<String> wrong, long cutToResyncMs,
                       long totalMs, Map<String, Long> byGroup) {
    @Override
    public String toString() {
      return String.format("AmiCutDrill: %d calls (%d per kind and fate): stored %d (distinct %d); missed %d of %d"
              + " expected, %d distinct deals; contact made %d of %d expected; in progress after %d, pending %d;"
              + " wrong %s; cut to resync done %d ms; %d ms in all; right, by group and outcome %s",
          pbxCalls, perGroup, stored, distinct, missedRight, missedExpected, dealsDistinct, contactRight,
          contactExpected, liveAfter, pendingAfter, wrong.size() > 10 ? wrong.subList(0, 10) + "..."
              : wrong, cutToResyncMs, totalMs, byGroup);
    }
  }

  private record Call(Kind kind, Fate fate, int k, String linkedid, boolean missed) {
  }

  private AmiCutDrill() {
  }

  /** {@code bench/run.sh ru.dozvon.drills.AmiCutDrill [perGroup]}: 100 per kind and fate by default (1,200 calls). */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    Path work = Files.createTempDirectory("ami-cut-drill");
    System.out.println(run(n, work));
    System.exit(0);
  }

  public static Result run(int n, Path work) throws Exception {
    long t0 = System.nanoTime();
    Database db = Database.embedded(work.resolve("pg"), DrillSupport.freePort());
    db.migrate();
    DbUrl url = db.url();
    Map<Kind, DrillCalls> transcripts = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      transcripts.put(kind, new DrillCalls(kind.resource, kind.series));
    }
    List<Call> calls = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (Fate fate : Fate.values()) {
        for (int i = 0; i < n; i++) {
          int k = fate.ordinal() * n + i;
          boolean missed = kind == Kind.RINGING || kind == Kind.QUEUED && fate == Fate.ENDS_IN_CUT;
          calls.add(new Call(kind, fate, k, transcripts.get(kind).linkedid(k), missed));
        }
      }
    }
    TestAmiServer pbx = TestAmiServer.start(DrillSupport.AMI_USER, DrillSupport.AMI_SECRET);
    AppConfig cfg = DrillSupport.config(DrillSupport.env(pbx.port(), work.resolve("data"), Map.of()));
    App app = App.start(cfg, db).await(90, TimeUnit.SECONDS);
    try {
      DrillSupport.await("AMI connected", 30_000, () -> "CONNECTED".equals(app.telephony().state()));
      String ids = DrillSupport.in(calls.stream().map(Call::linkedid).toList());
      String countOurs = "SELECT count(*) FROM calls WHERE pbx_call_id IN " + ids;

      // before the cut: the controls whole, then the start of the calls the cut falls in
      StringBuilder before = new StringBuilder();
      for (Call c : calls) {
        if (c.fate() == Fate.CONTROL) {
          before.append(transcripts.get(c.kind()).call(c.k()));
        }
      }
      pbx.sendRaw(before.toString());
      DrillSupport.await("the controls stored", 120_000, () -> DrillSupport.count(url, countOurs) >= 3L * n);
      before.setLength(0);
      for (Call c : calls) {
        if (c.fate() == Fate.ENDS_IN_CUT || c.fate() == Fate.GOES_ON) {
          before.append(transcripts.get(c.kind()).before(c.k(), c.kind().split));
        }
      }
      pbx.sendRaw(before.toString());
      DrillSupport.await("the calls in progress followed", 120_000, () -> app.telephony().liveCalls() >= 6 * n);

      // what the PBX will list when asked again: the calls that go on, and those that begin while we are away
      for (Call c : calls) {
        if (c.fate() == Fate.GOES_ON || c.fate() == Fate.BEGAN_IN_CUT) {
          transcripts.get(c.kind()).liveBefore(c.k(), c.kind().split).forEach(pbx::addLiveChannel);
        }
      }
      long resyncsBefore = pbx.countActions("CoreShowChannels");
      Call first = calls.stream().filter(c -> c.fate() == Fate.GOES_ON).findFirst().orElseThrow();
      String nextEvent = transcripts.get(first.kind()).from(first.k(), first.kind().split);
      long cut = System.nanoTime();
      pbx.cutMidEvent(nextEvent.substring(0, 40)); // the link breaks in the middle of an event
      DrillSupport.await("reconnected and resynced", 120_000, () -> "CONNECTED".equals(app.telephony().state())
          && pbx.countActions("CoreShowChannels") > resyncsBefore
          && DrillSupport.count(url, countOurs) >= 6L * n);
      long cutToResync = (System.nanoTime() - cut) / 1_000_000;

      // after the resync: the calls that went on, and those that began in the cut, end as the PBX reports
      StringBuilder after = new StringBuilder();
      for (Call c : calls) {
        if (c.fate() == Fate.GOES_ON || c.fate() == Fate.BEGAN_IN_CUT) {
          after.append(transcripts.get(c.kind()).from(c.k(), c.kind().split));
        }
      }
      pbx.sendRaw(after.toString());
      DrillSupport.await("every call stored", 120_000, () -> DrillSupport.count(url, countOurs) >= calls.size()
          && app.telephony().pendingCalls() == 0);
      DrillSupport.await("no call in progress", 30_000, () -> app.telephony().liveCalls() == 0);

      return check(url, calls, n, ids, app, cutToResync, (System.nanoTime() - t0) / 1_000_000);
    } finally {
      app.stop().await(60, TimeUnit.SECONDS);
      db.close();
      pbx.close();
    }
  }

  private static Result check(DbUrl url, List<Call> calls, int n, String ids, App app, long cutToResync,
                              long totalMs) throws Exception {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    long stored = 0;
    try (Connection c = DrillSupport.jdbc(url); ResultSet rs = c.createStatement().executeQuery(
        "SELECT pbx_call_id, missed, outcome, deal_id, operator_ext, expired, direction FROM calls"
            + " WHERE pbx_call_id IN " + ids)) {
      while (rs.next()) {
        stored++;
        Map<String, Object> row = new HashMap<>();
        row.put("missed", rs.getBoolean("missed"));
        row.put("outcome", rs.getString("outcome"));
        row.put("deal", rs.getObject("deal_id"));
        row.put("operator", rs.getString("operator_ext"));
        row.put("expired", rs.getBoolean("expired"));
        row.put("direction", rs.getString("direction"));
        rows.put(rs.getString("pbx_call_id"), row);
      }
    }
    List<String> wrong = new ArrayList<>();
    long missedExpected = 0;
    long missedRight = 0;
    long contactExpected = 0;
    long contactRight = 0;
    Map<String, Long> byGroup = new LinkedHashMap<>();
    for (Call call : calls) {
      Map<String, Object> row = rows.get(call.linkedid());
      String group = call.kind() + "/" + call.fate();
      if (call.missed()) {
        missedExpected++;
      } else {
        contactExpected++;
      }
      if (row == null) {
        wrong.add(group + " " + call.linkedid() + ": not stored");
        continue;
      }
      boolean right;
      if (call.missed()) {
        right = Boolean.TRUE.equals(row.get("missed")) && row.get("deal") != null
            && "INBOUND".equals(row.get("direction"));
        missedRight += right ? 1 : 0;
      } else {
        right = Boolean.FALSE.equals(row.get("missed")) && "ANSWERED".equals(row.get("outcome"))
            && row.get("operator") != null;
        contactRight += right ? 1 : 0;
      }
      if (right && !Boolean.TRUE.equals(row.get("expired"))) {
        byGroup.merge(group + " " + row.get("outcome"), 1L, Long::sum);
      } else {
        wrong.add(group + " " + call.linkedid() + ": " + row);
      }
    }
    long distinct = DrillSupport.count(url, "SELECT count(DISTINCT pbx_call_id) FROM calls WHERE pbx_call_id IN "
        + ids);
    long deals = DrillSupport.count(url, "SELECT count(DISTINCT deal_id) FROM calls WHERE missed AND pbx_call_id IN "
        + ids);
    return new Result(n, calls.size(), stored, distinct, missedExpected, missedRight, deals, contactExpected,
        contactRight, app.telephony().liveCalls(), app.telephony().pendingCalls(), wrong,
        cutToResync, totalMs, byGroup);
  }
}
