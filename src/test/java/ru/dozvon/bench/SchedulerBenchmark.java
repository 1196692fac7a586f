package ru.dozvon.bench;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import ru.dozvon.dialing.AttemptScheduler;
import ru.dozvon.metrics.Meters;
import ru.dozvon.store.Database;

/**
 * Firing lag of the durable scheduler: bench/run.sh SchedulerBenchmark [pending] [seconds].
 *
 * <p>An embedded PostgreSQL with durability on (fsync, synchronous commit) in target/, 100,000 deals
 * and 1,000,000 PENDING attempts (10 per deal) whose due times are 1 ms apart: 1,000 come due every
 * second. The scheduler runs as in production (every 250 ms plus draining full batches of 100) on a
 * clock offset so that the first due time is "now" when it starts; each hand-off records
 * {@code now - due_at}. Prints p50/p99/max of that lag and the EXPLAIN (ANALYZE, BUFFERS) of one
 * claim (rolled back).
 */
public final class SchedulerBenchmark {

  private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");

  private SchedulerBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int pending = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path dir = Path.of("target", "bench-scheduler-pg");
    deleteTree(dir);
    Database db = Database.embedded(dir, 0);
    db.migrate();
    Vertx vertx = Vertx.vertx();
    Pool pool = db.pool(vertx, 8);
    try {
      long t0 = System.nanoTime();
      int deals = Math.max(1, pending / 10);
      pool.query("""
          INSERT INTO contacts (phone, phone_kind) SELECT '+7495' || lpad(g::text, 7, '0'), 'FIXED_LINE'
          FROM generate_series(1, %d) g""".formatted(deals)).execute().await();
      pool.query("INSERT INTO deals (contact_id, source, arrived_at) SELECT id, 'manual', now() FROM contacts")
          .execute().await();
      // Row n (0-based, in due order) is due BASE + n ms; deal and attempt number spread it over the deals.
      pool.preparedQuery("""
          INSERT INTO attempts (deal_id, no, of_total, due_at, why)
          SELECT d.min_id + (n % $2), 1 + n / $2, 10, $3 + n * interval '1 millisecond', 'bench'
          FROM generate_series(0, $1 - 1) n, (SELECT min(id) AS min_id FROM deals) d""")
          .execute(Tuple.of(pending, deals, BASE.atOffset(ZoneOffset.UTC))).await();
      pool.query("VACUUM ANALYZE attempts").execute().await();
      pool.query("VACUUM ANALYZE deals").execute().await();
      System.out.printf(Locale.ROOT, "Setup: %d pending attempts on %d deals in %.1f s%n", pending, deals,
          (System.nanoTime() - t0) / 1e9);

      int expected = seconds * 1000;
      AtomicLongArray lags = new AtomicLongArray(expected * 2 + 10_000);
      AtomicInteger fired = new AtomicInteger();
      Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), BASE));
      AttemptScheduler scheduler = new AttemptScheduler(pool, clock, new Meters(), null, a -> {
        int i = fired.getAndIncrement();
        if (i < lags.length()) {
          lags.set(i, Duration.between(a.dueAt(), clock.instant()).toNanos());
        }
        return CompletableFuture.completedFuture(null);
      }, AttemptScheduler.DEFAULT_INTERVAL, AttemptScheduler.DEFAULT_BATCH);
      String id = vertx.deployVerticle(scheduler).await();
      vertx.timer(seconds, TimeUnit.SECONDS).await();
      vertx.undeploy(id).await();
      Instant end = clock.instant();

      int n = Math.min(fired.get(), lags.length());
      long[] sorted = new long[n];
      for (int i = 0; i < n; i++) {
        sorted[i] = lags.get(i);
      }
      Arrays.sort(sorted);
      long dueByEnd = Duration.between(BASE, end).toMillis() + 1;
      System.out.printf(Locale.ROOT, "Fired %d attempts in %d s (%d had come due); firing lag ms: p50 %.1f  p99 %.1f"
              + "  p99.9 %.1f  max %.1f%n", n, seconds, Math.min(dueByEnd, pending),
          pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999), n == 0 ? 0 : sorted[n - 1] / 1e6);
      long left = pool.query("SELECT count(*) FROM attempts WHERE state = 'PENDING'").execute().await()
          .iterator().next().getLong(0);
      System.out.printf(Locale.ROOT, "Still pending: %d%n%nEXPLAIN (ANALYZE, BUFFERS) of one claim (rolled back):%n",
          left);
      explain(pool, end.plusSeconds(1));
    } finally {
      pool.close().await();
      vertx.close().await();
      db.close();
      deleteTree(dir);
    }
  }

  private static void explain(Pool pool, Instant now) {
    pool.withTransaction(tx -> tx.preparedQuery("EXPLAIN (ANALYZE, BUFFERS) " + claimSql())
        .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), "bench-explain", 100))
        .map(rows -> {
          for (Row r : rows) {
            System.out.println(r.getString(0));
          }
          return rows;
        })
        .compose(x -> io.vertx.core.Future.failedFuture("rollback"))).otherwiseEmpty().await();
  }

  private static String claimSql() {
    try {
      var f = AttemptScheduler.class.getDeclaredField("CLAIM");
      f.setAccessible(true);
      return (String) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private static void deleteTree(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
