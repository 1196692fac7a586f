package ru.dozvon.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import ru.dozvon.App;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.store.Database;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The whole chain at a steady rate: the test AMI server sends {@code missed.ami} as {@code rate}
 * missed calls a second (every cycle a new Linkedid and a new caller number, {@link CallCycles}),
 * over TCP into the real App (Asterisk-Java, mapper, tracker, {@code CallIntake}, PostgreSQL with
 * durability on). Prints how many calls were stored and deals made, how long after the last hangup
 * the last one committed, and the {@code dozvon_hangup_to_deal_seconds} meter (tracker's close
 * to commit).
 *
 * <p>{@code bench/run.sh AmiEndToEndBenchmark [rate=500] [seconds=20]}
 */
public final class AmiEndToEndBenchmark {

    private AmiEndToEndBenchmark() {
    }

    /** Sends {@code n} calls from cycle {@code from} at {@code rate}/s, waits until {@code expectTotal} are stored. */
    private static String phase(App app, CallCycles calls, TestAmiServer pbx, long from, long n, int rate, long expectTotal)
            throws Exception {
        long start = System.nanoTime();
        calls.pacedBlast(pbx, from, n, rate).join();
        long sentAt = System.nanoTime();
        long stored = 0;
        long last = -1;
        long stillSince = System.nanoTime();
        while (stored < expectTotal && System.nanoTime() - stillSince < 20_000_000_000L) {
            Thread.sleep(10); // a benchmark's main thread polling the database, not a test
            stored = app.pool().query("SELECT count(*) FROM calls").execute().await().iterator().next().getLong(0);
            if (stored != last) {
                last = stored;
                stillSince = System.nanoTime();
            }
        }
        long doneAt = System.nanoTime();
        var row = app.pool().query("SELECT (SELECT count(*) FROM calls WHERE missed), (SELECT count(*) FROM deals),"
                + " (SELECT count(*) FROM calls WHERE deal_id IS NULL)").execute().await().iterator().next();
        return String.format(Locale.ROOT, "%,d calls sent in %.2f s; %,d of %,d stored in all (%,d missed, %,d without a deal), %,d deals; "
                        + "last commit %.0f ms after the last event was sent; pending retries %d; live calls %d; load average %s",
                n, (sentAt - start) / 1e9, stored, expectTotal, row.getLong(0), row.getLong(2), row.getLong(1),
                (doneAt - sentAt) / 1e6, app.telephony().pendingCalls(), app.telephony().liveCalls(),
                AmiThroughputBenchmark.loadAverage());
    }

    /** p50/p95/p99/max of what the timer recorded between two snapshots, from its histogram buckets. */
    static String bucketPercentiles(io.micrometer.core.instrument.distribution.HistogramSnapshot before,
                                            io.micrometer.core.instrument.distribution.HistogramSnapshot after) {
        var b = before.histogramCounts();
        var a = after.histogramCounts();
        long total = after.count() - before.count();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "count %d", total));
        for (double p : new double[] {0.5, 0.95, 0.99}) {
            for (int i = 0; i < a.length; i++) {
                double below = a[i].count() - (i < b.length ? b[i].count() : 0);
                if (below >= p * total) {
                    sb.append(String.format(Locale.ROOT, ", p%.0f <= %.1f ms", p * 100, a[i].bucket(TimeUnit.MILLISECONDS)));
                    break;
                }
            }
        }
        return sb.append(String.format(Locale.ROOT, ", max (decaying) %.1f ms", after.max(TimeUnit.MILLISECONDS))).toString();
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.asteriskjava").setLevel(Level.ERROR);
        Transcript t = Transcript.load("ami/missed.ami");
        CallCycles calls = new CallCycles(t, 10_000_000);
        long cycles = (long) rate * seconds;
        Path dir = Files.createTempDirectory("dozvon-bench-e2e");
        try (TestAmiServer pbx = TestAmiServer.start("bench", "bench-secret"); Database db = Database.embedded(dir, 0)) {
            db.migrate();
            Map<String, String> env = new HashMap<>();
            env.put("DOZVON_HTTP_PORT", "0");
            env.put("DOZVON_ADMIN_TOKEN", "bench-admin-token-0123456789");
            env.put("DOZVON_AMI_HOST", "127.0.0.1");
            env.put("DOZVON_AMI_PORT", Integer.toString(pbx.port()));
            env.put("DOZVON_AMI_USER", "bench");
            env.put("DOZVON_AMI_SECRET", "bench-secret");
            AppConfig cfg = ConfigLoader.load(env, Path.of(""));
            App app = App.start(cfg, db, Clock.systemUTC()).await(60, TimeUnit.SECONDS);
            try {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!"CONNECTED".equals(app.telephony().state()) && System.nanoTime() < deadline) {
                    Thread.sleep(50); // a benchmark's main thread, not a test
                }
                Thread.sleep(500); // let the resync after login finish
                System.out.printf(Locale.ROOT, "AMI end to end: %,d missed calls at %d/s (%,d events/s) from %s; pool %d; JVM %s, %d processors; load average %s%n",
                        cycles, rate, rate * t.size(), t.name(), cfg.database().poolSize(), Runtime.version(),
                        Runtime.getRuntime().availableProcessors(), AmiThroughputBenchmark.loadAverage());
                long warm = rate * 5L;
                System.out.println("warm-up: " + phase(app, calls, pbx, 0, warm, rate, warm));
                var before = app.meters().registry().get("dozvon_hangup_to_deal_seconds").timer().takeSnapshot();
                System.out.println("measured: " + phase(app, calls, pbx, warm, cycles, rate, warm + cycles));
                // Hangup seen by the tracker (calls.ended_at, its clock: the transcript has no Timestamp
                // headers) to the deal's transaction start (deals.created_at = now()): the queueing part.
                var q = app.pool().query("""
                        SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY ms), max(ms), count(*)
                        FROM (SELECT extract(epoch FROM d.created_at - c.ended_at) * 1000 AS ms
                              FROM calls c JOIN deals d ON d.id = c.deal_id
                              WHERE c.id > (SELECT min(id) FROM calls) + %d) x""".formatted(warm - 1))
                        .execute().await().iterator().next();
                System.out.printf(Locale.ROOT, "hangup seen -> deal transaction began (database clocks), measured phase: p50/p95/p99 %s ms, max %.1f ms, n %d%n",
                        java.util.Arrays.toString(q.getArrayOfDoubles(0)), q.getDouble(1), q.getLong(2));
                var after = app.meters().registry().get("dozvon_hangup_to_deal_seconds").timer().takeSnapshot();
                System.out.println("meter dozvon_hangup_to_deal_seconds over the measured phase (tracker close to commit, bucket upper bounds): "
                        + bucketPercentiles(before, after));
                String dropped = app.meters().registry().find("dozvon_ami_dropped_events_total").counters().stream()
                        .map(c -> String.format(Locale.ROOT, "%.0f", c.count())).findFirst().orElse("?");
                System.out.println("dozvon_ami_dropped_events_total " + dropped);
            } finally {
                app.stop().await(30, TimeUnit.SECONDS);
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
