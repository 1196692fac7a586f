package ru.dozvon.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import ru.dozvon.routing.Assignment;
import ru.dozvon.routing.ConversionRating;
import ru.dozvon.routing.LeadToRoute;
import ru.dozvon.routing.ManagerSnapshot;
import ru.dozvon.managers.ManagerState;
import ru.dozvon.routing.Router;
import ru.dozvon.routing.RoutingConfig;
import ru.dozvon.routing.RoutingResult;
import ru.dozvon.routing.Strategy;

/**
 * Latency of one routing decision with 500 managers, per strategy: bench/run.sh RoutingBenchmark [managers] [decisions].
 *
 * <p>The team: 500 managers, about 85% on shift, 5% paused on the PBX, caps 20-60 deals, loads kept in a
 * steady state (every decision applies its assignment and closes one deal somewhere); ratings from 90 days of
 * wins and losses (0-300 decided deals each) in a {@link ConversionRating} on the system clock; 10% of leads
 * are returning customers; every decision is followed by one deal closing (an on-shift manager's first);
 * lead scores are the sum of four 1-5 criteria. Each timed decision builds the full
 * {@code Decision} (all eligible candidates and the reason text), as production will. Wall time and the
 * thread's CPU time are both printed: on a shared machine the wall tail is mostly time spent descheduled.
 */
public final class RoutingBenchmark {

  private static final int WARM_UP = 30_000;

  private RoutingBenchmark() {
  }

  public static void main(String[] args) {
    int managers = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int decisions = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    System.out.printf(Locale.ROOT, "Routing: %d managers, %d decisions per strategy after %d warm-up (%s, %d cpus)%n",
        managers, decisions, WARM_UP, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%-15s %8s %8s %9s %9s | %8s %8s %9s %9s%n", "strategy",
        "p50 us", "p99 us", "p99.9 us", "max us", "cpu p50", "cpu p99", "cpu p99.9", "cpu max");
    long sink = 0;
    for (Strategy strategy : Strategy.values()) {
      sink += run(strategy, managers, decisions);
    }
    System.out.println("(checksum " + sink + ")");
  }

  private static long run(Strategy strategy, int size, int decisions) {
    SplittableRandom random = new SplittableRandom(42);
    Clock clock = Clock.systemUTC();
    RoutingConfig d = RoutingConfig.DEFAULTS;
    RoutingConfig config = new RoutingConfig(strategy, d.perSource(), d.ratingWindowDays(), d.priorStrength(),
        d.minConversion(), d.minDecidedDeals(), d.scoreWindow());
    ConversionRating ratings = ConversionRating.of(clock, config);
    List<ManagerSnapshot> team = new ArrayList<>(size);
    Instant now = clock.instant();
    for (int i = 0; i < size; i++) {
      long id = 1000L + i;
      int roll = random.nextInt(100);
      ManagerState state = roll < 85 ? ManagerState.ON_SHIFT : roll < 92 ? ManagerState.PAUSED : ManagerState.OFF;
      int cap = 20 + random.nextInt(41);
      team.add(new ManagerSnapshot(id, "Manager " + id, state, random.nextInt(20) == 0, cap / 2, cap));
      double conversion = 0.05 + 0.4 * random.nextDouble();
      int decided = random.nextInt(301);
      for (int k = 0; k < decided; k++) {
        Instant at = now.minus(Duration.ofMinutes(random.nextInt(89 * 24 * 60)));
        if (random.nextDouble() < conversion) {
          ratings.recordWin(id, at);
        } else {
          ratings.recordLoss(id, at);
        }
      }
    }
    Router router = new Router(config, ratings, new SplittableRandom(7));
    long[] nanos = new long[decisions];
    long[] cpu = new long[decisions];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    int unassigned = 0;
    for (int i = 0; i < WARM_UP + decisions; i++) {
      int score = 4 + random.nextInt(5) + random.nextInt(5) + random.nextInt(5) + random.nextInt(5);
      Long previous = random.nextInt(10) == 0 ? 1000L + random.nextInt(size) : null;
      LeadToRoute lead = new LeadToRoute(i, "web_form", score, previous);
      long startCpu = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      RoutingResult result = router.route(lead, team);
      long took = System.nanoTime() - start;
      long tookCpu = threads.getCurrentThreadCpuTime() - startCpu;
      if (i >= WARM_UP) {
        nanos[i - WARM_UP] = took;
        cpu[i - WARM_UP] = tookCpu;
      }
      if (result instanceof Assignment a) {
        int index = (int) (a.managerId() - 1000L);
        team.set(index, team.get(index).withActiveDeals(team.get(index).activeDeals() + 1));
        sink += a.managerId() + a.why().reason().length();
      } else if (i >= WARM_UP) {
        unassigned++;
      }
      closeOneDeal(team, random.nextInt(size)); // loads stay near a steady state

    }
    Arrays.sort(nanos);
    Arrays.sort(cpu);
    System.out.printf(Locale.ROOT, "%-15s %8.1f %8.1f %9.1f %9.1f | %8.1f %8.1f %9.1f %9.1f   (%d unassigned)%n",
        strategy.configName(), micros(nanos, 0.50), micros(nanos, 0.99), micros(nanos, 0.999),
        nanos[nanos.length - 1] / 1000.0, micros(cpu, 0.50), micros(cpu, 0.99), micros(cpu, 0.999),
        cpu[cpu.length - 1] / 1000.0, unassigned);
    return sink;
  }

  /** Closes one deal of the first manager with any, from {@code from} on, on shift first. */
  private static void closeOneDeal(List<ManagerSnapshot> team, int from) {
    for (int pass = 0; pass < 2; pass++) {
      for (int k = 0; k < team.size(); k++) {
        int index = (from + k) % team.size();
        ManagerSnapshot m = team.get(index);
        if (m.activeDeals() > 0 && (pass == 1 || m.state() == ManagerState.ON_SHIFT)) {
          team.set(index, m.withActiveDeals(m.activeDeals() - 1));
          return;
        }
      }
    }
  }

  private static double micros(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1000.0;
  }
}
