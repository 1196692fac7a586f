package ru.dozvon.bench;

import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import ru.dozvon.App;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.store.Database;
import ru.dozvon.telephony.testami.OriginatePlan;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * The progressive dialer under load: {@code bench/run.sh DialerBenchmark [operators] [attempts] [per_second]
 * [call seconds]} (defaults 200 operators, 1,000 attempts, the queue at 20/s, calls of 2 s).
 *
 * <p>The real service (embedded PostgreSQL, durability on, system clock; calling hours must be open: run it on a
 * weekday 10:00-19:00 Moscow, or set {@code DOZVON_CALLING_HOURS}/{@code DOZVON_CALLING_DAYS}), the dialer on for
 * everyone, the default wrap-up (15 s). The test PBX answers every Originate with the real PJSIP no-answer
 * transcript, holding the call for the call seconds before its Hangups. 1,000 deals from missed calls, their attempt
 * 1 fired while every operator is off; then the deals are given to the operators in turn and all go on shift in one
 * statement: 1,000 attempts due at once. Checked: every attempt placed exactly once; the Originates' pace (the most
 * in any second, as the PBX read them); no Originate to a phone already on a call we placed, and each operator's
 * next call no sooner than the call plus the wrap-up after the previous; the dialer's meters.
 */
public final class DialerBenchmark {

  private DialerBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int operators = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int attempts = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int perSecond = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int callSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    TestAmiServer pbx = TestAmiServer.start("crm", "pbx-secret-1");
    pbx.originatePlans(m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami").holding(Duration.ofSeconds(callSeconds)));
    List<long[]> reads = new CopyOnWriteArrayList<>(); // {nanos, extension, attempt}
    Map<Long, Integer> perAttempt = new ConcurrentHashMap<>();
    pbx.onAction(m -> {
      if (m.is("Originate")) {
        long at = System.nanoTime();
        long ext = Long.parseLong(m.get("channel").substring("PJSIP/".length()));
        long attempt = m.getAll("variable").stream().filter(v -> v.startsWith("__DOZVON_ATTEMPT="))
            .mapToLong(v -> Long.parseLong(v.substring("__DOZVON_ATTEMPT=".length()))).findFirst().orElse(-1);
        reads.add(new long[] {at, ext, attempt});
        perAttempt.merge(attempt, 1, Integer::sum);
      }
    });
    Path yaml = Files.createTempFile("dozvon-bench", ".yaml");
    Files.writeString(yaml, "telephony:\n  originate:\n    per_second: " + perSecond + "\n"
        + "retry:\n  number_limits:\n    mobile: { max_per_day: 0, min_gap: 0m }\n");
    Map<String, String> env = new HashMap<>(Map.of("DOZVON_HTTP_PORT", "0", "DOZVON_ADMIN_TOKEN",
        "bench-admin-token-0123456789", "DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()),
        "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1", "DOZVON_CONFIG", yaml.toString(),
        "DOZVON_AUTODIAL", "true", "DOZVON_DATA_DIR", Files.createTempDirectory("dozvon-bench-data").toString()));
    env.putAll(System.getenv().entrySet().stream().filter(e -> e.getKey().startsWith("DOZVON_CALLING_"))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    AppConfig cfg = ConfigLoader.load(env, Path.of(""));
    System.out.printf(Locale.ROOT, "Dialer: %d operators, %d attempts due at once, queue %d/s (max %d in flight), "
        + "calls of %d s, wrap-up %d s, JVM %s, %d processors%n", operators, attempts, perSecond,
        cfg.placing().maxInFlight(), callSeconds, cfg.dialer().wrapUp().toSeconds(), Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    try (Database db = Database.embedded(Files.createTempDirectory("dozvon-bench-pg"), 0)) {
      db.migrate();
      App app = App.start(cfg, db, Clock.systemUTC()).await(60, TimeUnit.SECONDS);
      try {
        if (!cfg.retry().window().isOpen(Instant.now())) {
          System.out.println("The calling window is closed now: set DOZVON_CALLING_HOURS=00:00-23:59 "
              + "DOZVON_CALLING_DAYS=MON-SUN to run it");
          return;
        }
        while (!"CONNECTED".equals(app.telephony().state())) {
          Thread.sleep(20);
        }
        app.pool().query("INSERT INTO managers (name, extension, max_active_deals, state) SELECT 'Bench ' || i, "
            + "(3000 + i)::text, 10000, 'OFF' FROM generate_series(1, " + operators + ") i").execute().await();
        List<Future<?>> calls = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < attempts; i++) {
          var phone = PhoneNumbers.parse("+7916" + String.format("%07d", 5_000_000 + i));
          calls.add(app.callIntake().accept(new CallFacts("bench.dialer." + i, CallDirection.INBOUND,
              CallOutcome.NO_ANSWER, true, phone, phone.e164(), false, "74951234567", null, null, now.minusSeconds(30),
              null, now, 20, 0, false), now));
        }
        Future.all(calls).await(300, TimeUnit.SECONDS);
        app.routing().routePending().await(60, TimeUnit.SECONDS);
        while (app.pool().query("SELECT count(*) FROM attempts WHERE state = 'FIRED'").execute().await().iterator()
            .next().getLong(0) < attempts) {
          Thread.sleep(100);
        }
        app.pool().query("UPDATE deals d SET manager_id = m.id FROM managers m WHERE m.extension = (3001 + (d.id % "
            + operators + "))::text AND d.status = 'OPEN'").execute().await();
        long start = System.nanoTime();
        app.pool().query("UPDATE managers SET state = 'ON_SHIFT'").execute().await();
        app.dialing().dialer().wake();
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        long done = 0;
        while (System.nanoTime() < deadline) {
          done = app.pool().query("SELECT count(*) FROM attempts WHERE no = 1 AND state = 'DONE'").execute().await()
              .iterator().next().getLong(0);
          if (done >= attempts) {
            break;
          }
          Thread.sleep(200);
        }
        double took = (System.nanoTime() - start) / 1e9;
        List<long[]> sorted = reads.stream().sorted((a, b) -> Long.compare(a[0], b[0])).toList();
        int most = 0;
        for (int i = 0, from = 0; i < sorted.size(); i++) {
          while (sorted.get(i)[0] - sorted.get(from)[0] >= 1_000_000_000L) {
            from++;
          }
          most = Math.max(most, i - from + 1);
        }
        Map<Long, List<Long>> byPhone = new HashMap<>();
        sorted.forEach(r -> byPhone.computeIfAbsent(r[1], k -> new ArrayList<>()).add(r[0]));
        long tooSoon = 0;
        long onBusy = 0;
        double minGap = Double.MAX_VALUE;
        long wrap = cfg.dialer().wrapUp().toNanos();
        for (List<Long> times : byPhone.values()) {
          for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            minGap = Math.min(minGap, gap / 1e9);
            if (gap < TimeUnit.SECONDS.toNanos(callSeconds)) {
              onBusy++;
            } else if (gap < TimeUnit.SECONDS.toNanos(callSeconds) + wrap) {
              tooSoon++;
            }
          }
        }
        long twice = perAttempt.values().stream().filter(n -> n > 1).count();
        System.out.printf(Locale.ROOT, "%,d of %,d attempts done in %.1f s (%.1f calls/s); Originates %,d for %,d "
            + "attempts (%d placed twice)%n", done, attempts, took, done / took, reads.size(), perAttempt.size(), twice);
        System.out.printf(Locale.ROOT, "pace: at most %d Originates written in any second (limit %d; the queue's own "
            + "count), %d read by the test PBX in any second (its reading thread lags by up to tens of ms)%n",
            app.telephony().originates().mostWrittenInASecond(), perSecond, most);
        System.out.printf(Locale.ROOT, "operators: %d phones rung; an Originate to a phone on our call: %d; sooner than "
            + "call + wrap-up: %d; shortest gap between one phone's Originates %.1f s (call %d s + wrap-up %d s)%n",
            byPhone.size(), onBusy, tooSoon, minGap, callSeconds, cfg.dialer().wrapUp().toSeconds());
        var waited = app.meters().registry().get("dozvon_dialer_wait_seconds").timer().takeSnapshot();
        StringBuilder p = new StringBuilder();
        for (var v : waited.percentileValues()) {
          p.append(String.format(Locale.ROOT, " p%.0f=%.1f s", v.percentile() * 100, v.value(TimeUnit.SECONDS)));
        }
        System.out.printf(Locale.ROOT, "dozvon_dialer_wait_seconds (fired -> placed):%s, max %.1f s; load average "
            + "%.1f%n", p, waited.max(TimeUnit.SECONDS),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      } finally {
        app.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      pbx.close();
    }
  }
}
