package ru.dozvon;

import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.model.Driver;
import ru.dozvon.model.History;
import ru.dozvon.model.Invariants;
import ru.dozvon.model.Service;
import ru.dozvon.model.Timing;
import ru.dozvon.model.Violation;
import ru.dozvon.support.TestApp;

/**
 * The deal lifecycle tested by its states (STYLE 14): random histories of one to three contacts drive
 * the real service (App, embedded PostgreSQL, calls over TCP from a test PBX replaying real Asterisk
 * transcripts, the HTTP API), and the invariants of {@code ru.dozvon.model.Invariants} are checked
 * after every step. A failing history is shrunk (steps dropped one at a time, re-run on fresh
 * contacts) and reported with its seed. See docs/TESTING.md.
 *
 * <p>{@code -Dmodel.seed=N} (default fixed; {@code random} for a new one), {@code -Dmodel.histories=N}
 * (default 200), {@code -Dmodel.steps=1,4,7} (only those steps of the seed's history: a shrunk report),
 * {@code -Dmodel.shrinkSeconds=N} (default 60).
 */
class LifecycleModelTest {

  private static final Logger LOG = LoggerFactory.getLogger(LifecycleModelTest.class);
  private static final long DEFAULT_SEED = 20_261_124L;

  @Test
  void randomHistoriesKeepTheDealLifecycleInvariants() {
    String seedText = System.getProperty("model.seed", String.valueOf(DEFAULT_SEED));
    long seed = seedText.equals("random") ? System.nanoTime() % 1_000_000_000L : Long.parseLong(seedText);
    int histories = Integer.getInteger("model.histories", 200);
    int shrinkSeconds = Integer.getInteger("model.shrinkSeconds", 60);
    String only = System.getProperty("model.steps", "");

    try (Service s = Service.start()) {
      History.FunnelCodes funnel = funnel(s);
      long started = System.nanoTime();
      List<Driver.Result> failed = new ArrayList<>();
      int steps = 0;
      for (int i = 0; i < histories; i++) {
        History generated = History.generate(seed + i, funnel);
        History h = only.isBlank() ? generated : generated.select(Arrays.stream(only.split(","))
            .map(String::trim).map(Integer::parseInt).toList());
        Driver.Result r = Driver.run(s, h, null);
        steps += r.trace().size() - 1;
        if (r.failed()) {
          failed.add(r);
        }
      }
      long ranMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      List<Violation> global = new ArrayList<>();
      Invariants.openDealCounts(s, null, global);
      s.settle(false);
      if (s.pendingCalls() > 0 || !s.unrecordedLines().isEmpty()) {
        global.add(Violation.of("I5", "", "telephony holds " + s.pendingCalls() + " unrecorded calls and "
            + "unrecorded-calls.jsonl has " + s.unrecordedLines().size() + " lines"));
      }
      LOG.info("Time by phase:\n{}", Timing.summary());
      LOG.info("Lifecycle model: {} histories, {} steps in {} ms from seed {}; {} histories broke an invariant",
          histories, steps, ranMs, seed, failed.size());
      if (failed.isEmpty() && global.isEmpty()) {
        return;
      }
      String report = report(s, failed, global, histories, ranMs, seed, shrinkSeconds);
      fail(report);
    }
  }

  /** One section per kind of violation: the history that showed it soonest, shrunk further. */
  private static String report(Service s, List<Driver.Result> failed, List<Violation> global, int histories,
                               long ranMs, long seed, int shrinkSeconds) {
    Map<String, List<Driver.Result>> byKind = new TreeMap<>(Comparator.comparingInt(LifecycleModelTest::order)
        .thenComparing(Comparator.naturalOrder()));
    failed.forEach(r -> r.found().keySet().forEach(k -> byKind.computeIfAbsent(k, x -> new ArrayList<>()).add(r)));
    StringBuilder out = new StringBuilder();
    out.append(String.format("%d of %d histories (seeds %d..%d, %d ms) broke invariants; %d kinds of violation:%n",
        failed.size(), histories, seed, seed + histories - 1, ranMs, byKind.size()));
    byKind.forEach((k, list) -> out.append(String.format("  %-70s in %3d histories%n", k, list.size())));
    global.forEach(v -> out.append("  at the end of the run: ").append(v).append('\n'));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(shrinkSeconds);
    int left = byKind.size();
    for (var e : byKind.entrySet()) {
      String kind = e.getKey();
      Driver.Result first = e.getValue().stream().min(Comparator.comparingInt(r -> r.failedAt(kind))).orElseThrow();
      long share = (deadline - System.nanoTime()) / Math.max(1, left--);
      Driver.Result r = shrink(s, first, kind, System.nanoTime() + Math.max(0, share));
      Driver.Found f = r.found().get(kind);
      out.append("\n== ").append(kind).append("   [").append(Invariants.title(f.violation().invariant())).append("]\n");
      out.append(String.format("   in %d of %d histories; shortest: seed %d, %d steps (shrunk from %d)%n",
          e.getValue().size(), histories, r.history().seed(), f.step() + 1, first.failedAt(kind) + 1));
      out.append(String.format("   reproduce: mvn -B -o -q test -Dtest=LifecycleModelTest -Dmodel.histories=1 "
          + "-Dmodel.seed=%d -Dmodel.steps=%s%n", r.history().seed(),
          r.history().select(IntStream.rangeClosed(1, f.step() + 1).boxed().toList()).stepNumbers()));
      r.trace().subList(0, Math.min(r.trace().size(), f.step() + 2))
          .forEach(line -> out.append("   ").append(line).append('\n'));
      out.append("   VIOLATED ").append(f.violation().message()).append('\n');
      out.append(f.details());
    }
    return out.toString();
  }

  private static int order(String kind) {
    String label = kind.contains(":") ? kind.substring(0, kind.indexOf(':')) : kind;
    return label.startsWith("I") ? Integer.parseInt(label.substring(1)) : 99;
  }

  /**
   * Drops steps one at a time (last first) and runs the rest again on fresh contacts and managers; keeps a
   * removal when the same kind of violation still shows; stops when no single removal keeps it, or at the
   * deadline. Returns the shortest failing run found.
   */
  static Driver.Result shrink(Service s, Driver.Result failing, String kind, long deadline) {
    History h = failing.history().select(IntStream.rangeClosed(1, failing.failedAt(kind) + 1).boxed().toList());
    Driver.Result best = Driver.run(s, h, kind);
    if (!best.breaks(kind)) {
      return failing; // not shown again on fresh contacts: report it as found
    }
    boolean changed = true;
    while (changed && System.nanoTime() < deadline) {
      changed = false;
      for (int i = h.steps().size(); i >= 1 && h.steps().size() > 1 && System.nanoTime() < deadline; i--) {
        int drop = i;
        History candidate = h.select(IntStream.rangeClosed(1, h.steps().size()).filter(p -> p != drop)
            .boxed().toList());
        Driver.Result r = Driver.run(s, candidate, kind);
        if (r.breaks(kind)) {
          h = candidate.select(IntStream.rangeClosed(1, r.failedAt(kind) + 1).boxed().toList());
          best = r;
          changed = true;
          i = Math.min(i, h.steps().size() + 1);
        }
      }
    }
    return best;
  }

  private static History.FunnelCodes funnel(Service s) {
    JsonObject f = s.send(HttpMethod.GET, "/api/funnel", TestApp.ADMIN_TOKEN, null, Map.of()).json();
    return new History.FunnelCodes(codes(f.getJsonArray("stages")), codes(f.getJsonArray("lossReasons")),
        codes(f.getJsonArray("winReasons")), codes(f.getJsonArray("invalidReasons")));
  }

  private static List<String> codes(JsonArray a) {
    return a.stream().map(o -> ((JsonObject) o).getString("code")).toList();
  }
}
