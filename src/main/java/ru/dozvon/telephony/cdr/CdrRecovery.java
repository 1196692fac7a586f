package ru.dozvon.telephony.cdr;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.CallFacts;

/**
 * Calls missed while Dozvon was down (or its AMI link was), recovered from Asterisk's CDR table: at start-up, after
 * every AMI resync and every {@link CdrSettings#every()}, the rows that ended since the stored watermark (less the
 * overlap) are grouped by linkedid ({@link CdrRules}); an inbound call that never reached an operator, is not stored
 * yet, and that the AMI path neither follows nor has just ended, goes to the same sink as the AMI path's calls, with
 * the same PBX call id (the linkedid), so a call seen by both is stored once. The watermark moves once every call up
 * to it is stored. One reconcile at a time; deployed as a worker verticle (no event loop waits on it).
 */
public final class CdrRecovery extends VerticleBase {

  /** Where recovered calls go (the AMI path's sink); completes once stored. */
  @FunctionalInterface
  public interface Sink {
    Future<?> accept(CallFacts call, Instant seenAt);
  }

  /** The PBX call ids the AMI path follows now or ended a moment ago (its own to store). */
  @FunctionalInterface
  public interface Followed {
    Future<Set<String>> of(Collection<String> pbxCallIds);
  }

  /** What one reconcile did. */
  public record Report(int groups, int missed, int recovered, Instant readTo) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(CdrRecovery.class);

  private final CdrSettings settings;
  private final CdrRules rules;
  private final PgCdrTable table;
  private final PgCdrWatermarks store;
  private final Followed followed;
  private final Sink sink;
  private final Clock clock;
  private final Counter recoveredCounter;
  private final Counter failedRuns;
  private final AtomicLong lastReadTo = new AtomicLong();
  private Future<Report> current;
  private Future<Report> pending;
  private long timer = -1;
  private String tableState = "";

  /**
   * @param cdrPool where the CDR table is (the service's own pool unless {@code DOZVON_CDR_DB_URL} names another)
   * @param servicePool the service's database (the watermark, the stored calls)
   */
  public CdrRecovery(CdrSettings settings, CdrRules rules, Pool cdrPool, Pool servicePool, Followed followed,
                     Sink sink, Clock clock, MeterRegistry registry) {
    this.settings = settings;
    this.rules = rules;
    this.table = new PgCdrTable(cdrPool, settings);
    this.store = new PgCdrWatermarks(servicePool);
    this.followed = followed;
    this.sink = sink;
    this.clock = clock;
    this.recoveredCounter = Counter.builder("dozvon_cdr_recovered_calls_total")
        .description("Missed calls the AMI path never stored, recovered from Asterisk's CDR table")
        .register(registry);
    this.failedRuns = Counter.builder("dozvon_cdr_reconcile_failures_total")
        .description("CDR reconciles that failed (the CDR or the service database away); retried at the next")
        .register(registry);
    registry.gauge("dozvon_cdr_watermark_seconds", lastReadTo, AtomicLong::doubleValue);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(settings.every().toMillis(), id -> reconcile("timer"));
    reconcile("start-up"); // in the background: the CDR database may be away; the start does not wait for it
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Asks for a reconcile from any thread (after an AMI resync); runs after the one under way, if any. */
  public void reconcileSoon(String why) {
    if (context != null) {
      context.runOnContext(v -> reconcile(why));
    }
  }

  /** Reconciles now on this verticle's context; completes when it (and any under way before it) is done. */
  public Future<Report> reconcileNow(String why) {
    Promise<Report> p = Promise.promise();
    context.runOnContext(v -> reconcile(why).onComplete(p));
    return p.future();
  }

  private Future<Report> reconcile(String why) {
    if (current == null || current.isComplete()) {
      current = begin(why);
      return current;
    }
    // at most one waits: asked many times during a reconcile, one more follows it
    if (pending == null || pending.isComplete()) {
      pending = current.transform(x -> {
        pending = null;
        current = begin(why);
        return current;
      });
    }
    return pending;
  }

  private Future<Report> begin(String why) {
    return run(why).onComplete(ar -> {
      if (ar.failed()) {
        failedRuns.increment();
        LOG.warn("CDR reconcile ({}) of {} failed, retried at the next: {}", why, settings.table(),
            String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  private Future<Report> run(String why) {
    Instant now = clock.instant();
    Instant upTo = now.minus(settings.settle());
    return table.shape().compose(shape -> {
      if (shape == null) {
        note("missing", "CDR table {} not found in the CDR database: no recovery from CDRs until it is there "
            + "(cdr_pgsql; docs/TELEPHONY.md)");
        return Future.succeededFuture(new Report(0, 0, 0, null));
      }
      note("found", "CDR table {} found: calls missed while Dozvon was not listening are recovered from it");
      return store.load(settings.source()).compose(mark -> {
        Instant from = mark == null ? now.minus(settings.firstLookback()) : mark.minus(settings.overlap());
        return chunks(shape, from, upTo, new Report(0, 0, 0, mark));
      });
    }).onSuccess(r -> {
      if (r.recovered() > 0) {
        LOG.info("CDR reconcile ({}): {} calls read, {} missed, {} recovered; reconciled up to {}", why, r.groups(),
            r.missed(), r.recovered(), r.readTo());
      }
    });
  }

  /** Reads [from, upTo] in steps of at most a chunk; the watermark moves after each step that stored all it found. */
  private Future<Report> chunks(PgCdrTable.Shape shape, Instant from, Instant upTo, Report sofar) {
    if (!from.isBefore(upTo)) {
      return Future.succeededFuture(sofar);
    }
    Instant to = from.plus(settings.chunk()).isBefore(upTo) ? from.plus(settings.chunk()) : upTo;
    return table.callsEndedIn(shape, from, to).compose(rows -> {
      List<CdrRules.Verdict> all = rules.judgeAll(rows);
      List<CdrRules.Verdict> missed = new ArrayList<>();
      for (CdrRules.Verdict v : all) {
        Instant last = v.group().lastEnd();
        // a call whose last row is too recent may still be writing rows: the next reconcile reads it again
        if (v.kind() == CdrRules.Kind.MISSED && last != null && !last.isAfter(upTo)) {
          missed.add(v);
        }
      }
      return recover(missed).compose(n -> store.save(settings.source(), to, clock.instant()).map(x -> {
        lastReadTo.set(to.getEpochSecond());
        return new Report(sofar.groups() + all.size(), sofar.missed() + missed.size(), sofar.recovered() + n, to);
      }));
    }).compose(r -> chunks(shape, to, upTo, r));
  }

  private Future<Integer> recover(List<CdrRules.Verdict> missed) {
    if (missed.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<String> ids = missed.stream().map(v -> v.group().linkedid()).toList();
    return store.stored(ids).compose(stored -> followed.of(ids).compose(live -> {
      List<Future<?>> sent = new ArrayList<>();
      for (CdrRules.Verdict v : missed) {
        String id = v.group().linkedid();
        if (stored.contains(id) || live.contains(id)) {
          continue;
        }
        CallFacts c = v.facts();
        LOG.info("Call {} from {} to {} ended {} unanswered ({}) and was never stored: recovered from CDRs", id,
            c.callerRaw(), c.companyNumber(), c.endedAt(), c.outcome());
        sent.add(sink.accept(c, clock.instant()).onSuccess(x -> recoveredCounter.increment()));
      }
      return Future.all(sent).map(x -> sent.size());
    }));
  }

  /** Logs a change of the table's state once, not at every reconcile. */
  private void note(String state, String message) {
    if (!state.equals(tableState)) {
      tableState = state;
      if ("missing".equals(state)) {
        LOG.warn(message, settings.table());
      } else {
        LOG.info(message, settings.table());
      }
    }
  }
}
