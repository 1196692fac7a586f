package ru.dozvon.drills;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import ru.dozvon.App;
import ru.dozvon.config.AppConfig;
import ru.dozvon.store.Database;
import ru.dozvon.store.DbUrl;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * Drill: a fuzzed AMI stream into the real service (real Asterisk-Java client over TCP against the test AMI server,
 * embedded PostgreSQL). Interleaved with {@code calls} normal missed calls (missed.ami with fresh ids, each from its
 * own number), the PBX sends random bytes, megabyte lines, LF-only events, truncated blocks, events with garbage or
 * missing fields ({@link AmiFuzz}, seeded: {@code -Dfuzz.seed}); a third of the way, 100,000 events of unknown names
 * at once (a tenth of them each a name of its own) and 3,000 forged calls that never end; two thirds of the way, one
 * Linkedid with 10,000 channels. Checked: the service answers HTTP, the AMI link stays up, every normal call is
 * stored once as a missed call with its deal, few log lines, and bounded state: the tracker's caps (set low here:
 * 1,000 calls followed, 1,000 channels per call) and the bounded AMI socket hold, and the heap after a full GC
 * returns near where it was.
 */
public final class AmiFuzzDrill {

  static final int MAX_LIVE_CALLS = 1000;
  static final int MAX_CHANNELS = 1000;
  static final int UNKNOWN_EVENTS = 100_000;
  static final int FORGED_CALLS = 3000;
  static final int HUGE_CALL_CHANNELS = 10_000;

  /** What the drill saw. */
  public record Result(long seed, int calls, long stored, long distinct, long missedWithDeal, long distinctDeals,
                       long fuzzPieces, String fuzzByKind, long otherCallsStored, boolean connectedAtEnd,
                       double reconnects, int healthStatus, long logLines, long logLinesWarnOrWorse,
                       Map<String, Long> logLinesByLogger, int liveCallsAfter, long channelsCapped,
                       long callsEvicted, Map<String, Double> inputDropped, long heapBeforeMb, long heapPeakMb,
                       long heapAfterMb, long totalMs) {
    @Override
    public String toString() {
      return String.format("AmiFuzzDrill seed %d: %d normal calls: stored %d (distinct %d), missed with a deal %d"
              + " (%d distinct deals); %d fuzz pieces %s + %d unknown events + %d forged calls + 1 call of %d channels;"
              + " other calls stored %d; AMI connected at the end %s, reconnects %.0f; /health %d; log lines %d (WARN+"
              + " %d) %s; tracker: %d calls followed after, %d channel events capped, %d calls closed at the cap;"
              + " AMI input dropped %s; heap after GC %d MB before, %d MB at the peak, %d MB after; %d ms",
          seed, calls, stored, distinct, missedWithDeal, distinctDeals, fuzzPieces, fuzzByKind, UNKNOWN_EVENTS,
          FORGED_CALLS, HUGE_CALL_CHANNELS, otherCallsStored, connectedAtEnd, reconnects, healthStatus, logLines,
          logLinesWarnOrWorse, logLinesByLogger, liveCallsAfter, channelsCapped, callsEvicted, inputDropped,
          heapBeforeMb, heapPeakMb, heapAfterMb, totalMs);
    }
  }

  private AmiFuzzDrill() {
  }

  /** {@code bench/run.sh ru.dozvon.drills.AmiFuzzDrill [calls] [seed]}: 300 normal calls by default. */
  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : Long.getLong("fuzz.seed", 14);
    System.out.println(run(calls, seed, Files.createTempDirectory("ami-fuzz-drill")));
    System.exit(0);
  }

  public static Result run(int calls, long seed, Path work) throws Exception {
    long t0 = System.nanoTime();
    Database db = Database.embedded(work.resolve("pg"), DrillSupport.freePort());
    db.migrate();
    DbUrl url = db.url();
    DrillCalls missed = new DrillCalls("ami/pjsip/missed.ami", 7);
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < calls; k++) {
      ids.add(missed.linkedid(k));
    }
    String ours = DrillSupport.in(ids);
    TestAmiServer pbx = TestAmiServer.start(DrillSupport.AMI_USER, DrillSupport.AMI_SECRET);
    AppConfig cfg = DrillSupport.config(DrillSupport.env(pbx.port(), work.resolve("data"), Map.of(),
        "telephony:\n  max-live-calls: " + MAX_LIVE_CALLS + "\n  max-channels-per-call: " + MAX_CHANNELS + "\n"));
    App app = App.start(cfg, db).await(90, TimeUnit.SECONDS);
    LineCount logs = LineCount.attach();
    HttpClient http = HttpClient.newHttpClient();
    try {
      DrillSupport.await("AMI connected", 30_000, () -> "CONNECTED".equals(app.telephony().state()));
      // a few calls first, so that the heap is measured warm
      int warm = Math.min(10, calls);
      StringBuilder first = new StringBuilder();
      for (int k = 0; k < warm; k++) {
        first.append(missed.call(k));
      }
      pbx.sendRaw(first.toString());
      DrillSupport.await("the first calls stored", 60_000, () -> DrillSupport.count(url,
          "SELECT count(*) FROM calls WHERE pbx_call_id IN " + ours) >= warm);
      long heapBefore = heapAfterGc();
      logs.reset();

      AmiFuzz fuzz = new AmiFuzz(seed);
      java.util.Random pace = new java.util.Random(seed + 1);
      long pieces = 0;
      long heapPeak = heapBefore;
      for (int k = warm; k < calls; k++) {
        pbx.sendRaw(missed.call(k));
        int n = 1 + pace.nextInt(3);
        for (int i = 0; i < n; i++) {
          pbx.sendRaw(fuzz.piece());
          pieces++;
        }
        if (k == warm + (calls - warm) / 3) {
          pbx.sendRaw(fuzz.unknownEvents(UNKNOWN_EVENTS));
          pbx.sendRaw(fuzz.forgedCalls(FORGED_CALLS));
        }
        if (k == warm + 2 * (calls - warm) / 3) {
          pbx.sendRaw(fuzz.hugeCall("fuzz-huge-call", HUGE_CALL_CHANNELS));
        }
        if ((k - warm) % 10 == 9) { // keep the socket from holding megabytes: the service keeps up, then more
          int sent = k + 1;
          DrillSupport.await("the service keeps up", 120_000, () -> DrillSupport.count(url,
              "SELECT count(*) FROM calls WHERE pbx_call_id IN " + ours) >= sent - 20);
          heapPeak = Math.max(heapPeak, heapUsed());
        }
      }
      DrillSupport.await("every normal call stored", 180_000, () -> DrillSupport.count(url,
          "SELECT count(*) FROM calls WHERE pbx_call_id IN " + ours) >= calls);
      DrillSupport.await("the huge call closed", 60_000, () -> DrillSupport.count(url,
          "SELECT count(*) FROM calls WHERE pbx_call_id = 'fuzz-huge-call'") == 1);
      heapPeak = Math.max(heapPeak, heapUsed());
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      String metrics = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      long heapAfter = heapAfterGc();

      long stored = DrillSupport.count(url, "SELECT count(*) FROM calls WHERE pbx_call_id IN " + ours);
      long distinct = DrillSupport.count(url, "SELECT count(DISTINCT pbx_call_id) FROM calls WHERE pbx_call_id IN "
          + ours);
      long missedWithDeal = DrillSupport.count(url, "SELECT count(*) FROM calls WHERE missed AND deal_id IS NOT NULL"
          + " AND pbx_call_id IN " + ours);
      long deals = DrillSupport.count(url, "SELECT count(DISTINCT deal_id) FROM calls WHERE pbx_call_id IN " + ours);
      long others = DrillSupport.count(url, "SELECT count(*) FROM calls WHERE pbx_call_id NOT IN " + ours);
      String byKind = kinds(fuzz);
      return new Result(seed, calls, stored, distinct, missedWithDeal, deals, pieces, byKind, others,
          "CONNECTED".equals(app.telephony().state()), metric(metrics, "dozvon_ami_reconnects_total", ""),
          health.statusCode(), logs.lines.get(), logs.warnOrWorse.get(), logs.byLogger(),
          app.telephony().liveCalls(), app.telephony().channelsCapped(), app.telephony().callsEvicted(),
          Map.of("line_too_long", metric(metrics, "dozvon_ami_input_dropped_total", "what=\"line_too_long\""),
              "event_cut", metric(metrics, "dozvon_ami_input_dropped_total", "what=\"event_cut\""),
              "event_type_cap", metric(metrics, "dozvon_ami_input_dropped_total", "what=\"event_type_cap\"")),
          heapBefore, heapPeak, heapAfter, (System.nanoTime() - t0) / 1_000_000);
    } finally {
      logs.detach();
      app.stop().await(60, TimeUnit.SECONDS);
      db.close();
      pbx.close();
    }
  }

  private static String kinds(AmiFuzz fuzz) {
    Map<String, Long> m = new TreeMap<>();
    for (AmiFuzz.Kind k : AmiFuzz.Kind.values()) {
      m.put(k.name().toLowerCase(java.util.Locale.ROOT), fuzz.made[k.ordinal()]);
    }
    return m.toString();
  }

  /** A Prometheus sample's value ({@code name{...labels...} value}), 0 if absent. */
  static double metric(String scrape, String name, String label) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(scrape);
    while (m.find()) {
      if (label.isEmpty() || m.group(1) != null && m.group(1).contains(label)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return heapUsed();
  }

  private static long heapUsed() {
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }

  /** Counts the log lines of the whole service (every logger), by logger. */
  static final class LineCount extends AppenderBase<ILoggingEvent> {
    final AtomicLong lines = new AtomicLong();
    final AtomicLong warnOrWorse = new AtomicLong();
    private final Map<String, Long> byLogger = new java.util.concurrent.ConcurrentHashMap<>();

    static LineCount attach() {
      LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
      LineCount c = new LineCount();
      c.setContext(ctx);
      c.setName("fuzz-drill-lines");
      c.start();
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(c);
      return c;
    }

    @Override
    protected void append(ILoggingEvent e) {
      lines.incrementAndGet();
      if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
        warnOrWorse.incrementAndGet();
      }
      String name = e.getLoggerName();
      byLogger.merge(name.substring(name.lastIndexOf('.') + 1), 1L, Long::sum);
    }

    void reset() {
      lines.set(0);
      warnOrWorse.set(0);
      byLogger.clear();
    }

    Map<String, Long> byLogger() {
      return new TreeMap<>(byLogger);
    }

    void detach() {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
          .detachAppender(this);
      stop();
    }
  }
}
