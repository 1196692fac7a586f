package ru.dozvon.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ru.dozvon.signin.PasswordHasher;
import ru.dozvon.support.People;
import ru.dozvon.support.TestApp;

/**
 * Sign-in throughput: one Argon2id hash on the calling thread (the floor: OWASP parameters, m=19 MiB, t=2, p=1), then
 * POST /login over real HTTP on a real database, {@code concurrency} at a time, right passwords and wrong ones (a
 * wrong one is also a hash, plus the lock-out write). Run: {@code bench/run.sh SignInBenchmark [logins] [concurrency]}.
 */
public final class SignInBenchmark {

  public static void main(String[] args) throws Exception {
    int logins = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    PasswordHasher h = PasswordHasher.OWASP;
    String stored = h.hash("warm-up-password");
    for (int i = 0; i < 5; i++) {
      h.verify("warm-up-password", stored);
    }
    int n = 20;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      h.verify("warm-up-password", stored);
    }
    double hashMs = (System.nanoTime() - t0) / 1e6 / n;
    System.out.printf("Argon2id verify (m=19456 KiB, t=2, p=1), one thread: %.1f ms each (%d runs)%n", hashMs, n);

    try (TestApp t = TestApp.start()) {
      People.create(t, "Бенч", "901", "operator", "bench.user", "bench-password-1");
      for (boolean right : new boolean[] {true, false}) {
        // Wrong passwords go to many logins, so that the lock-out (5 per login) does not cut the run short.
        long start = System.nanoTime();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        run(t, logins, concurrency, right, latencies);
        double secs = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        System.out.printf("POST /login %s, %d sign-ins, %d at a time: %.1f per second, p50 %.1f ms, p99 %.1f ms%n",
            right ? "right password" : "wrong password", logins, concurrency, logins / secs,
            sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6);
      }
    }
  }

  private static void run(TestApp t, int logins, int concurrency, boolean right, List<Long> latencies)
      throws Exception {
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      lanes.add(lane(t, logins, right, next, latencies));
    }
    Future.all(lanes).await(10, TimeUnit.MINUTES);
  }

  private static Future<Void> lane(TestApp t, int logins, boolean right, java.util.concurrent.atomic.AtomicInteger next,
                                   List<Long> latencies) {
    int i = next.getAndIncrement();
    if (i >= logins) {
      return Future.succeededFuture();
    }
    JsonObject body = right ? new JsonObject().put("login", "bench.user").put("password", "bench-password-1")
        : new JsonObject().put("login", "nobody-" + i).put("password", "wrong-password");
    long s = System.nanoTime();
    return t.http.post("/login").sendJsonObject(body).compose(r -> {
      int expected = right ? 200 : 401;
      if (r.statusCode() != expected) {
        return Future.failedFuture("sign-in " + i + ": " + r.statusCode() + " " + r.bodyAsString());
      }
      latencies.add(System.nanoTime() - s);
      return lane(t, logins, right, next, latencies);
    });
  }
}
