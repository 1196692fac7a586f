package ru.dozvon.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import ru.dozvon.App;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.store.Database;
import ru.dozvon.support.MovableClock;
import ru.dozvon.telephony.testami.OriginatePlan;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * Click to Originate written: {@code bench/run.sh ClickToCallBenchmark [clicks/s] [seconds] [per_second] [operators]}
 * (defaults 20/s for 30 s, {@code telephony.originate.per_second} 1000 so that the queue's pace is not what is
 * measured, 50 operators).
 *
 * <p>The real service on an embedded PostgreSQL (durability on) with its AMI link to the test PBX, which answers every
 * Originate with the real PJSIP no-answer transcript (rewritten for it), so each call ends within milliseconds and
 * the operator is free again. Deals: one missed call per click, from distinct mobile numbers, given to the operators
 * in turn (SQL), attempt 1 fired by the app's scheduler before the clock starts. Open loop: click i is sent at
 * start + i/rate with the admin's token, whatever the earlier ones do. Latency = the click sent (nanoTime) to the
 * test PBX reading the Originate of that deal ({@code __DOZVON_DEAL} variable, nanoTime on the server's reading
 * thread, same JVM). Also the 202's own latency. Warm-up: the first 10% of clicks are not counted.
 */
public final class ClickToCallBenchmark {

  private static final String ADMIN = "bench-admin-token-0123456789";

  private ClickToCallBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int perSecond = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int operators = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    int clicks = rate * seconds;
    TestAmiServer pbx = TestAmiServer.start("crm", "pbx-secret-1");
    pbx.originatePlans(m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami"));
    Map<Long, Long> originateRead = new ConcurrentHashMap<>();
    pbx.onAction(m -> {
      if (m.is("Originate")) {
        long at = System.nanoTime();
        for (String v : m.getAll("variable")) {
          if (v.startsWith("__DOZVON_DEAL=")) {
            originateRead.putIfAbsent(Long.parseLong(v.substring("__DOZVON_DEAL=".length())), at);
          }
        }
      }
    });
    Path yaml = Files.createTempFile("dozvon-bench", ".yaml");
    Files.writeString(yaml, "telephony:\n  originate:\n    per_second: " + perSecond + "\n    max_in_flight: 1000\n"
        + "retry:\n  number_limits:\n    mobile: { max_per_day: 0, min_gap: 0m }\n");
    Map<String, String> env = new HashMap<>(Map.of("DOZVON_HTTP_PORT", "0", "DOZVON_ADMIN_TOKEN", ADMIN,
        "DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()), "DOZVON_AMI_USER", "crm",
        "DOZVON_AMI_SECRET", "pbx-secret-1", "DOZVON_CONFIG", yaml.toString(),
        "DOZVON_DATA_DIR", Files.createTempDirectory("dozvon-bench-data").toString()));
    AppConfig cfg = ConfigLoader.load(env, Path.of(""));
    // calling hours: a Tuesday 11:00 in Moscow, held there for the run
    Instant tuesday = LocalDateTime.parse("2026-12-01T11:00").atZone(ZoneId.of("Europe/Moscow")).toInstant();
    MovableClock clock = new MovableClock(tuesday);
    System.out.printf(Locale.ROOT, "Click -> Originate written: %d clicks/s for %d s (%d clicks), queue %d/s, %d operators,"
        + " JVM %s, %d processors%n", rate, seconds, clicks, perSecond, operators, Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    try (Database db = Database.embedded(Files.createTempDirectory("dozvon-bench-pg"), 0)) {
      db.migrate();
      App app = App.start(cfg, db, clock).await(60, TimeUnit.SECONDS);
      try {
        while (!"CONNECTED".equals(app.telephony().state())) {
          Thread.sleep(20);
        }
        List<Long> deals = setUp(app, clicks, operators);
        WebClient http = WebClient.create(app.vertx(), new WebClientOptions().setDefaultHost("localhost")
            .setDefaultPort(app.httpPort()));
        Map<Long, Long> sent = new ConcurrentHashMap<>();
        long[] accepted = new long[clicks];
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Promise<Void> all = Promise.promise();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime() + 200_000_000L;
        AtomicInteger next = new AtomicInteger();
        Vertx vertx = app.vertx();
        vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
          long now = System.nanoTime();
          while (next.get() < clicks && now >= start + next.get() * 1_000_000_000L / rate) {
            int i = next.getAndIncrement();
            long deal = deals.get(i);
            long t0 = System.nanoTime();
            sent.put(deal, t0);
            http.post("/api/deals/" + deal + "/call").bearerTokenAuthentication(ADMIN).send().onComplete(ar -> {
              accepted[i] = System.nanoTime() - t0;
              if (ar.failed()) {
                failed.incrementAndGet();
              } else if (ar.result().statusCode() != 202) {
                if (refused.incrementAndGet() <= 5) {
                  System.out.println("  refused: " + ar.result().statusCode() + " " + ar.result().bodyAsString());
                }
              }
              if (done.incrementAndGet() == clicks) {
                all.tryComplete();
              }
            });
          }
          if (next.get() >= clicks) {
            vertx.cancelTimer(id);
          }
        }));
        all.future().await(seconds + 120L, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (originateRead.size() < clicks - refused.get() - failed.get() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        int warm = clicks / 10;
        List<Long> latency = new ArrayList<>();
        List<Long> reply = new ArrayList<>();
        for (int i = warm; i < clicks; i++) {
          Long read = originateRead.get(deals.get(i));
          if (read != null) {
            latency.add(read - sent.get(deals.get(i)));
          }
          reply.add(accepted[i]);
        }
        long[] l = latency.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] r = reply.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "click -> Originate read by the PBX: %,d measured (after %d warm-up), p50 %.1f"
            + "  p95 %.1f  p99 %.1f  p99.9 %.1f  max %.1f ms%n", l.length, warm, ms(l, 0.5), ms(l, 0.95), ms(l, 0.99),
            ms(l, 0.999), l[l.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "click -> 202:                       p50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms%n",
            ms(r, 0.5), ms(r, 0.95), ms(r, 0.99), r[r.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "Originates read %,d of %,d clicks; refused %d, failed %d; load average %.1f%n",
            originateRead.size(), clicks, refused.get(), failed.get(),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      } finally {
        app.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      pbx.close();
    }
  }

  /** One deal per click, from a missed call, given to the operators in turn; attempt 1 of each fired. */
  private static List<Long> setUp(App app, int deals, int operators) throws Exception {
    app.pool().query("INSERT INTO managers (name, extension, max_active_deals, state) SELECT 'Bench ' || i, "
        + "(2000 + i)::text, 10000, 'OFF' FROM generate_series(1, " + operators + ") i").execute().await();
    List<Future<?>> calls = new ArrayList<>();
    Instant now = app.clock().instant();
    for (int i = 0; i < deals; i++) {
      var phone = PhoneNumbers.parse("+7916" + String.format("%07d", 3_000_000 + i));
      calls.add(app.callIntake().accept(new CallFacts("bench.c2c." + i, CallDirection.INBOUND, CallOutcome.NO_ANSWER,
          true, phone, phone.e164(), false, "74951234567", null, null, now.minusSeconds(30), null, now, 20, 0, false),
          now));
    }
    Future.all(calls).await(300, TimeUnit.SECONDS);
    app.routing().routePending().await(60, TimeUnit.SECONDS);
    app.pool().query("UPDATE deals d SET manager_id = m.id FROM managers m WHERE m.extension = (2001 + (d.id % "
        + operators + "))::text AND d.status = 'OPEN'").execute().await();
    while (app.pool().query("SELECT count(*) FROM attempts WHERE state = 'FIRED'").execute().await().iterator().next()
        .getLong(0) < deals) {
      Thread.sleep(100);
    }
    List<Long> ids = new ArrayList<>();
    app.pool().query("SELECT id FROM deals ORDER BY id").execute().await().forEach(r -> ids.add(r.getLong(0)));
    // in turn over the operators: consecutive clicks ring different phones
    return ids;
  }

  private static double ms(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)]
        / 1e6;
  }
}
