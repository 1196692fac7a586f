package ru.dozvon.bench;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import ru.dozvon.App;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.deals.PgCallRecorder;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.store.Database;

/**
 * Missed call hangup to deal committed, on the real App over an embedded PostgreSQL with
 * durability on (fsync, synchronous_commit). Open loop: call {@code i} is due at
 * {@code start + i/rate}; a 1 ms Vert.x periodic timer hands every due call to
 * {@code app.callIntake().accept(facts, seenAt)} without waiting for earlier ones, and the latency is
 * from the call's due moment (its hangup, {@code seenAt} and {@code endedAt}) to the future's
 * completion (the commit). Measuring from the due moment, not from the send, keeps a stalled sender
 * from hiding latency (no coordinated omission).
 *
 * <p>Numbers: distinct per call, except every 10th call repeats the number of the call a second
 * earlier (a fresh number then: its deal is open and the call is attached) and every 100th the number of the call just
 * before (two missed calls from one number at once: one contact row lock decides).
 *
 * <p>Managers: none by default (every deal then waits unassigned: routing stores the reason, locks nothing);
 * with {@code managers} > 0 that many operators are put on shift with the largest cap (10,000), so every
 * deal is assigned and takes its manager's row lock (the conversion strategy of the configuration).
 *
 * <p>{@code bench/run.sh MissedCallLatencyBenchmark [rates=500,1000] [seconds=20] [poolSize=config|-] [managers=0]}
 */
public final class MissedCallLatencyBenchmark {

    private static final String ADMIN_TOKEN = "bench-admin-token-0123456789";

    /**
     * At 500/s before measuring (BENCH_WARMUP seconds, default 15): the first minute after a start is measurably
     * slower (JIT tiers, PostgreSQL's caches and the first autovacuums of the young tables).
     */
    private static final int WARM_UP_SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "15"));

    private static final Map<Vertx, io.vertx.core.Context> SENDER = new java.util.concurrent.ConcurrentHashMap<>();

    private MissedCallLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] rates = Arrays.stream((args.length > 0 ? args[0] : "500,1000").split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Map<String, String> env = new HashMap<>();
        env.put("DOZVON_HTTP_PORT", "0");
        env.put("DOZVON_ADMIN_TOKEN", ADMIN_TOKEN);
        if (args.length > 2 && !args[2].equals("-")) {
            env.put("DOZVON_DB_POOL_SIZE", args[2]);
        }
        int managers = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        AppConfig cfg = ConfigLoader.load(env, Path.of(""));
        Path dir = Files.createTempDirectory("dozvon-bench-pg");
        System.out.printf(Locale.ROOT, "Missed call -> deal latency: rates %s/s, %d s each (after %d s warm-up), pool %d, JVM %s, %d processors%n",
                Arrays.toString(rates), seconds, WARM_UP_SECONDS, cfg.database().poolSize(), Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "Group commit: %d missed-call transactions at once%n", cfg.database().callTransactions());
        boolean statements = System.getenv("BENCH_PGSS") != null;
        try (Database db = statements ? Database.embedded(dir, 0, Map.of("shared_preload_libraries", "pg_stat_statements"))
                : Database.embedded(dir, 0)) {
            db.migrate();
            App app = App.start(cfg, db, Clock.systemUTC()).await(60, TimeUnit.SECONDS);
            try {
                showSettings(app);
                if (managers > 0) {
                    app.pool().query("INSERT INTO managers (name, extension, max_active_deals, state) "
                            + "SELECT 'Bench ' || i, (1000 + i)::text, 10000, 'ON_SHIFT' FROM generate_series(1, " + managers + ") i")
                            .execute().await();
                }
                System.out.printf(Locale.ROOT, "Managers on shift: %d (cap 10000 each), strategy %s%n", managers,
                        cfg.routing().strategyFor("missed_call").configName());
                run(app, "warm-up", 0, Math.min(rates[0], 500), WARM_UP_SECONDS, managers);
                Map<String, Integer> waits = new java.util.concurrent.ConcurrentHashMap<>();
                long sampler = statements ? app.vertx().setPeriodic(20, id -> app.pool().query("""
                        SELECT coalesce(wait_event_type || '/' || wait_event, 'CPU') || '  ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 60)
                        FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type <> 'walwriter'""")
                        .execute().onSuccess(rows -> rows.forEach(r -> waits.merge(r.getString(0), 1, Integer::sum)))) : -1;
                List<long[]> rounds = new java.util.ArrayList<>();
                for (int i = 0; i < rates.length; i++) {
                    rounds.add(run(app, "rate " + rates[i] + "/s", i + 1, rates[i], seconds, managers));
                }
                long[] every = rounds.stream().flatMapToLong(Arrays::stream).sorted().toArray();
                System.out.printf(Locale.ROOT, "all %d measured rounds together: %,d calls, p50 %.1f  p95 %.1f  p99 %.1f  p99.9 %.1f  max %.1f ms%n",
                        rounds.size(), every.length, ms(every, 0.50), ms(every, 0.95), ms(every, 0.99), ms(every, 0.999),
                        every[every.length - 1] / 1e6);
                check(app);
                if (statements) {
                    app.vertx().cancelTimer(sampler);
                    System.out.println("pg_stat_activity samples every 20 ms (active client backends: wait event or CPU, statement):");
                    waits.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(20)
                            .forEach(e -> System.out.printf(Locale.ROOT, "  %,7d  %s%n", e.getValue(), e.getKey()));
                    topStatements(app);
                }
                Timer meter = app.meters().registry().get("dozvon_hangup_to_deal_seconds").timer();
                var snap = meter.takeSnapshot();
                StringBuilder pcts = new StringBuilder();
                for (ValueAtPercentile v : snap.percentileValues()) {
                    pcts.append(String.format(Locale.ROOT, " p%.0f=%.1f ms", v.percentile() * 100, v.value(TimeUnit.MILLISECONDS)));
                }
                System.out.printf(Locale.ROOT, "meter dozvon_hangup_to_deal_seconds (all runs, deals created only): count %d, mean %.1f ms, max %.1f ms,%s%n",
                        snap.count(), snap.mean(TimeUnit.MILLISECONDS), snap.max(TimeUnit.MILLISECONDS), pcts);
            } finally {
                app.stop().await(30, TimeUnit.SECONDS);
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void showSettings(App app) {
        var rows = app.pool().query("SELECT name, setting FROM pg_settings WHERE name IN "
                + "('fsync','synchronous_commit','full_page_writes','wal_sync_method','commit_delay','max_connections') ORDER BY name")
                .execute().await();
        StringBuilder sb = new StringBuilder("PostgreSQL:");
        for (Row r : rows) {
            sb.append(' ').append(r.getString(0)).append('=').append(r.getString(1));
        }
        System.out.println(sb);
    }

    /** One open-loop run of {@code rate} missed calls a second for {@code seconds}. */
    /** @return the round's latencies, sorted (nanoseconds) */
    static long[] run(App app, String name, int runNo, int rate, int seconds, int managersOnShift) throws Exception {
        Vertx vertx = app.vertx();
        int total = rate * seconds;
        long[] latencyNanos = new long[total];
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastDone = new AtomicLong();
        AtomicLong lastOk = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        Map<PgCallRecorder.Effect, AtomicLong> effects = new java.util.concurrent.ConcurrentHashMap<>();
        CompletableFuture<Void> all = new CompletableFuture<>();
        long[] sent = {0};
        long maxLagNanos[] = {0};
        String load = AmiThroughputBenchmark.loadAverage();
        Timer meter = app.meters().registry().get("dozvon_hangup_to_deal_seconds").timer();
        var before = meter.takeSnapshot();
        // hangup to the deal's owner chosen (routing runs after the call's commit): from the live feed
        Map<Long, Long> assignedAt = new java.util.concurrent.ConcurrentHashMap<>();
        Map<Long, Long> createdDue = new java.util.concurrent.ConcurrentHashMap<>();
        var assigned = app.feed().subscribe(e -> {
            if (e.type().equals("deal.assigned") && e.dealId() != null) {
                assignedAt.putIfAbsent(e.dealId(), System.nanoTime());
            }
        });
        Instant wallStart = Instant.now().plusMillis(20);
        long start = System.nanoTime() + 20_000_000L;
        // one sending context for every round, as the telephony event loop is in the service
        SENDER.computeIfAbsent(vertx, v -> v.getOrCreateContext()).runOnContext(ctx -> vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            long due = Math.min(total, Math.max(0, (now - start) * rate / 1_000_000_000L + 1));
            for (; sent[0] < due; sent[0]++) {
                int i = (int) sent[0];
                long dueNanos = start + i * 1_000_000_000L / rate;
                maxLagNanos[0] = Math.max(maxLagNanos[0], now - dueNanos);
                Instant seenAt = wallStart.plusNanos(dueNanos - start);
                app.callIntake().accept(missed(runNo, i, rate, seenAt), seenAt).onComplete(ar -> {
                    long t = System.nanoTime();
                    latencyNanos[i] = t - dueNanos;
                    if (ar.succeeded()) {
                        ok.incrementAndGet();
                        lastOk.accumulateAndGet(t, Math::max);
                        effects.computeIfAbsent(ar.result().effect(), e -> new AtomicLong()).incrementAndGet();
                        if (ar.result().effect() == PgCallRecorder.Effect.DEAL_CREATED) {
                            createdDue.put(ar.result().dealId(), dueNanos);
                        }
                    } else if (failed.incrementAndGet() <= 5) {
                        System.out.println("  failed: " + ar.cause());
                    }
                    lastDone.accumulateAndGet(t, Math::max);
                    if (done.incrementAndGet() == total) {
                        all.complete(null);
                    }
                });
            }
            if (sent[0] == total) {
                vertx.cancelTimer(id);
            }
        }));
        all.get(seconds + 120L, TimeUnit.SECONDS);
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!assignedAt.keySet().containsAll(createdDue.keySet()) && System.nanoTime() < waitUntil && managersOnShift > 0) {
            Thread.sleep(20); // the benchmark's own thread, not an event loop: waits for routing to catch up
        }
        assigned.unregister();
        long[] toOwner = createdDue.entrySet().stream().filter(e -> assignedAt.containsKey(e.getKey()))
                .mapToLong(e -> assignedAt.get(e.getKey()) - e.getValue()).sorted().toArray();
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        double elapsed = (lastOk.get() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%-14s %,7d calls sent, %,7d committed in %5.2f s = %,6.0f calls/s; latency p50 %6.1f  p95 %6.1f  p99 %6.1f  p99.9 %6.1f  max %6.1f ms;"
                        + " sender lag max %.1f ms; failed %d; %s; load avg before %s%n",
                name, total, ok.get(), elapsed, ok.get() / elapsed, ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 0.99), ms(sorted, 0.999),
                sorted[sorted.length - 1] / 1e6, maxLagNanos[0] / 1e6, failed.get(), effects, load);
        if (toOwner.length > 0) {
            System.out.printf(Locale.ROOT, "  hangup to owner chosen (routing after commit, from the live feed): %,d of %,d new deals; p50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms%n",
                    toOwner.length, createdDue.size(), ms(toOwner, 0.50), ms(toOwner, 0.95), ms(toOwner, 0.99), toOwner[toOwner.length - 1] / 1e6);
        }
        System.out.println("  meter dozvon_hangup_to_deal_seconds, this run (deals created; bucket upper bounds): "
                + AmiEndToEndBenchmark.bucketPercentiles(before, meter.takeSnapshot()));
        return sorted;
    }

    /** Missed call {@code i} of run {@code runNo}: a fresh number, or a repeat (see class comment). */
    static CallFacts missed(int runNo, int i, int rate, Instant endedAt) {
        int who = i;
        if (i % 100 == 51) {
            who = i - 1; // at once with the previous call
        } else if (i % 10 == 9 && i >= rate) {
            who = i - rate + 1; // a fresh number of a second ago: its deal is open
        }
        String digits = String.format(Locale.ROOT, "%d%06d", runNo, who);
        PhoneNumber phone = PhoneNumbers.parse("+7916" + digits);
        return new CallFacts("bench." + runNo + "." + i, CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, phone, phone.e164(), false,
                "74951234567", null, null, endedAt.minusSeconds(30), null, endedAt, 30, 0, false);
    }

    /** With BENCH_PGSS set: the statements that took the database's time, from pg_stat_statements. */
    private static void topStatements(App app) {
        app.pool().query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await();
        var rows = app.pool().query("""
                SELECT calls, round(total_exec_time) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
                       left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS q
                FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15""").execute().await();
        if (System.getenv("BENCH_EXPLAIN") != null) {
            app.pool().withConnection(c -> c.query("""
                    BEGIN;
                    SET LOCAL plan_cache_mode = force_generic_plan;
                    INSERT INTO contacts (phone, phone_kind) VALUES ('+79999999999', 'MOBILE');
                    PREPARE s2(bigint, jsonb, timestamptz) AS
                    INSERT INTO deals (contact_id, source, fields, arrived_at) VALUES ($1, 'missed_call', $2, $3);
                    EXPLAIN (ANALYZE, BUFFERS) EXECUTE s2(currval('contacts_id_seq'), '{}', now());
                    PREPARE s3(bigint) AS INSERT INTO deal_history (deal_id, at, kind, actor, details) VALUES ($1, now(), 'created', 'pbx', '{}');
                    EXPLAIN (ANALYZE, BUFFERS) EXECUTE s3(currval('deals_id_seq'));
                    PREPARE s4(bigint) AS INSERT INTO calls (pbx_call_id, direction, outcome, missed, started_at, ended_at, deal_id)
                      VALUES ('explain.1', 'INBOUND', 'NO_ANSWER', true, now(), now(), $1);
                    EXPLAIN (ANALYZE, BUFFERS) EXECUTE s4(currval('deals_id_seq'));
                    """).execute().onSuccess(rs -> {
                        for (var r = rs; r != null; r = r.next()) {
                            r.forEach(row -> System.out.println("  explain: " + row.getValue(0)));
                        }
                    }).eventually(() -> c.query("ROLLBACK").execute())).await();
        }
        var tables = app.pool().query("""
                SELECT relname, n_live_tup, n_dead_tup, autovacuum_count, autoanalyze_count, n_tup_upd, n_tup_hot_upd
                FROM pg_stat_user_tables ORDER BY n_tup_upd + n_tup_ins DESC LIMIT 8""").execute().await();
        System.out.println("tables (live, dead, autovacuums, autoanalyzes, updates, HOT updates):");
        for (Row r : tables) {
            System.out.printf(Locale.ROOT, "  %-14s %,9d %,9d %4d %4d %,9d %,9d%n", r.getString(0), r.getLong(1), r.getLong(2),
                    r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6));
        }
        System.out.println("pg_stat_statements, top 15 by total time (calls, total ms, mean ms, statement):");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "  %,9d %,9d %8s  %s%n", r.getLong(0), r.getLong(1), r.getValue(2), r.getString(3));
        }
    }

    /** Every call stored once; no contact with two open deals. */
    private static void check(App app) {
        Row r = app.pool().query("""
                SELECT (SELECT count(*) FROM calls),
                       (SELECT count(*) FROM calls WHERE deal_id IS NULL),
                       (SELECT count(*) FROM deals WHERE status = 'OPEN'),
                       (SELECT count(*) FROM (SELECT contact_id FROM deals WHERE status = 'OPEN'
                                              GROUP BY contact_id HAVING count(*) > 1) x),
                       (SELECT count(*) FROM contacts),
                       (SELECT count(*) FROM deals WHERE status = 'OPEN' AND manager_id IS NOT NULL),
                       (SELECT coalesce(min(n), 0) || '..' || coalesce(max(n), 0) FROM (SELECT count(*) n FROM deals
                            WHERE manager_id IS NOT NULL GROUP BY manager_id) y)""").execute().await().iterator().next();
        System.out.printf(Locale.ROOT, "check: %,d calls stored (%d without a deal), %,d open deals for %,d contacts, contacts with 2+ open deals: %d;"
                        + " %,d deals assigned (per manager %s)%n",
                r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(4), r.getLong(3), r.getLong(5), r.getString(6));
    }

    private static double ms(long[] sorted, double p) {
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, idx)] / 1e6;
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.out.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
