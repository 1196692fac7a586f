package ru.dozvon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Dozvon's own meters, declared in one place, on the Prometheus registry that {@code /metrics}
 * serves (JVM and Vert.x meters live on the same registry).
 */
public final class Meters {

  private final PrometheusMeterRegistry registry;
  private final Counter missedCalls;
  private final ConcurrentMap<String, Counter> callsByOutcome = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> attemptsByOutcome = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> routingDecisions = new ConcurrentHashMap<>();
  private final Counter dealsCreated;
  private final ConcurrentMap<String, Timer> stages = new ConcurrentHashMap<>();
  private final io.micrometer.core.instrument.DistributionSummary groupSize;
  private final Timer hangupToDeal;
  private final Timer routingDelay;
  private final Timer speedToLead;
  private final Counter attemptsFired;
  private final Timer firingLag;
  private final Counter unrecordableCalls;
  private final ConcurrentMap<String, Counter> callsPlaced = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> operatorFailures = new ConcurrentHashMap<>();
  private final Counter dialerPlaced;
  private final Timer dialerWait;
  private final java.util.concurrent.atomic.AtomicInteger dialerQueued = new java.util.concurrent.atomic.AtomicInteger();

  /** Meters without speed-to-lead buckets (tests of other meters). */
  public Meters() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new Duration[0]);
  }

  /**
   * @param speedToLeadEdges the bucket edges of {@code dozvon_speed_to_lead_seconds} (the deals feature's
   *     {@code SpeedToLead.histogramEdges()}: seed 001's 5 min, 20 min, 3 h, 12 h), passed in so that the meters
   *     depend on no feature
   */
  public Meters(Duration... speedToLeadEdges) {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), speedToLeadEdges);
  }

  public Meters(PrometheusMeterRegistry registry, Duration... speedToLeadEdges) {
    this.registry = registry;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    missedCalls = Counter.builder("dozvon_missed_calls").description("Inbound calls that no operator answered")
        .register(registry);
    dealsCreated = Counter.builder("dozvon_deals_created").description("Deals created, any source")
        .register(registry);
    hangupToDeal = Timer.builder("dozvon_hangup_to_deal_seconds")
        .description("From the end of a missed call to its deal committed")
        .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    routingDelay = Timer.builder("dozvon_routing_delay_seconds")
        .description("From a deal from the PBX created (its transaction's start) to the routing run that decides it")
        .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1))
        .register(registry);
    speedToLead = Timer.builder("dozvon_speed_to_lead_seconds")
        .description("From a request's arrival to the first real contact (answered call or reply)")
        .serviceLevelObjectives(speedToLeadEdges)
        .register(registry);
    attemptsFired = Counter.builder("dozvon_attempts_fired")
        .description("Callback attempts that came due and went to the manager (and the dialer seam)")
        .register(registry);
    firingLag = Timer.builder("dozvon_attempt_firing_lag_seconds")
        .description("From an attempt's due time to its firing (downtime shows here as a long lag)")
        .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
    dialerPlaced = Counter.builder("dozvon_dialer_placed")
        .description("Calls the progressive dialer placed").register(registry);
    dialerWait = Timer.builder("dozvon_dialer_wait_seconds")
        .description("From an attempt fired (due) to the dialer placing its call: how long it was held for the operator")
        .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(8))
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("dozvon_dialer_queued", dialerQueued::get)
        .description("Due attempts the dialer holds for their operators (not placed yet)").register(registry);
    groupSize = io.micrometer.core.instrument.DistributionSummary.builder("dozvon_stage_group_calls")
        .description("Missed calls recorded in one shared transaction (group commit)")
        .publishPercentiles(0.5, 0.99).register(registry);
    unrecordableCalls = Counter.builder("dozvon_calls_unrecordable")
        .description("Ended calls the database refused for good, filed in unrecordable_calls instead of recorded")
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void callEnded(String outcome, boolean missed) {
    callsByOutcome.computeIfAbsent(outcome, o -> Counter.builder("dozvon_calls").tag("outcome", o)
        .description("Calls ended, by outcome").register(registry)).increment();
    if (missed) {
      missedCalls.increment();
    }
  }

  public void attemptEnded(String outcome) {
    attemptsByOutcome.computeIfAbsent(outcome, o -> Counter.builder("dozvon_attempts").tag("outcome", o)
        .description("Callback attempts ended, by outcome").register(registry)).increment();
  }

  /** One routing decision: a manager chosen (assigned) or the lead left waiting in the unassigned queue. */
  public void routingDecision(String strategy, boolean assigned) {
    String result = assigned ? "assigned" : "unassigned";
    routingDecisions.computeIfAbsent(strategy + "/" + result, k -> Counter.builder("dozvon_routing_decisions")
        .tag("strategy", strategy).tag("result", result)
        .description("Routing decisions by strategy and result").register(registry)).increment();
  }

  /** An attempt fired {@code lag} after it came due. */
  public void attemptFired(Duration lag) {
    attemptsFired.increment();
    firingLag.record(lag.isNegative() ? Duration.ZERO : lag);
  }

  /** A call the database refused twice was filed as unrecordable (once per call). */
  public void callUnrecordable() {
    unrecordableCalls.increment();
  }

  /** A call placed on a deal, by a click or the dialer ({@code by}). */
  public void callPlaced(String by) {
    callsPlaced.computeIfAbsent(by, b -> Counter.builder("dozvon_calls_placed").tag("by", b)
        .description("Calls placed on deals through the Originate queue, by click or dialer").register(registry))
        .increment();
  }

  /** A placed call failed on the operator's side (not answered, busy, unregistered...): never the lead's outcome. */
  public void callFailedOnOperatorSide(String reason) {
    operatorFailures.computeIfAbsent(reason, r -> Counter.builder("dozvon_calls_operator_failed").tag("reason", r)
        .description("Placed calls the operator's phone did not take, by reason").register(registry)).increment();
  }

  /** The dialer placed a call for an attempt that had waited {@code held} since it came due. */
  public void dialerPlaced(Duration held) {
    dialerPlaced.increment();
    dialerWait.record(held.isNegative() ? Duration.ZERO : held);
  }

  /** Due attempts the dialer holds now. */
  public void dialerQueued(int n) {
    dialerQueued.set(n);
  }

  public void dealCreated() {
    dealsCreated.increment();
  }

  public void hangupToDeal(Duration d) {
    hangupToDeal.record(d);
  }

  /** A deal from the PBX waited {@code d} between its creation and the routing run that decided it. */
  public void routingDelay(Duration d) {
    routingDelay.record(d.isNegative() ? Duration.ZERO : d);
  }

  /** A deal's first contact, once per deal (buckets at 5 min, 20 min, 3 h, 12 h). */
  public void speedToLead(Duration sinceArrival) {
    speedToLead.record(sinceArrival);
  }

  /**
   * Where a missed call's time goes on its way to the deal (issue 14), one stage at a time:
   * {@code dozvon_stage_<stage>_seconds} (histograms). The telephony stages are kept by the AMI link itself.
   */
  public void stage(String stage, long nanos) {
    stages.computeIfAbsent(stage, s -> Timer.builder("dozvon_stage_" + s + "_seconds")
        .description("Time a missed call spends in this stage on its way to the deal (docs/BENCHMARKS.md)")
        .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)).record(Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Missed calls recorded in one shared transaction ({@code dozvon_stage_group_calls}). */
  public void groupSize(int calls) {
    groupSize.record(calls);
  }

  /** Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
