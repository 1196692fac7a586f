package ru.dozvon.simpbx;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inbound calls into a {@link SimPbx} at a steady rate, a chosen share of them missed, each from a number of its own
 * (Russian mobiles, written as carriers send them: {@code +79...}, {@code 89...}, {@code 79...}), for a while or
 * until closed.
 */
public final class CallStream implements AutoCloseable {

  /**
   * @param ratePerSecond calls started per second (fractions allowed: 0.2 is one call every 5 s)
   * @param missedShare 0..1, the share of calls nobody answers
   * @param duration how long to go on; null: until closed
   * @param seed the numbers and the choice of missed calls (the same seed plays the same numbers)
   */
  public record Plan(double ratePerSecond, double missedShare, Duration duration, long seed) {
    public Plan {
      if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
        throw new IllegalArgumentException("rate must be above 0 calls per second");
      }
      if (!(missedShare >= 0 && missedShare <= 1)) {
        throw new IllegalArgumentException("missed share must be between 0 and 1");
      }
    }
  }

  private final SimPbx pbx;
  private final Plan plan;
  private final Random random;
  private final long base;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong missed = new AtomicLong();
  private final List<String> missedNumbers = new CopyOnWriteArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long startedNanos;
  private volatile long endedNanos;

  private CallStream(SimPbx pbx, Plan plan) {
    this.pbx = pbx;
    this.plan = plan;
    this.random = new Random(plan.seed());
    this.base = Math.floorMod(random.nextLong(), 1_000_000_000L);
    this.thread = new Thread(this::run, "simpbx-stream");
    thread.setDaemon(true);
  }

  public static CallStream start(SimPbx pbx, Plan plan) {
    CallStream s = new CallStream(pbx, plan);
    s.startedNanos = System.nanoTime();
    s.thread.start();
    return s;
  }

  /** The i-th number of this stream: distinct for every i below a billion. */
  String number(long i) {
    long core = Math.floorMod(base + i * 7919L, 1_000_000_000L);
    String tail = String.format("9%09d", core);
    int form = Math.floorMod((int) (core % 10 + i), 10);
    return form < 7 ? "+7" + tail : form < 9 ? "8" + tail : "7" + tail;
  }

  private void run() {
    try {
      long endNanos = plan.duration() == null ? Long.MAX_VALUE : startedNanos + plan.duration().toNanos();
      long maxCalls = plan.duration() == null ? Long.MAX_VALUE
          : Math.max(1, Math.round(plan.duration().toNanos() / 1e9 * plan.ratePerSecond()));
      while (running) {
        long now = System.nanoTime();
        long until = Math.min(now, endNanos);
        long due = Math.min(maxCalls, (long) Math.floor((until - startedNanos) / 1e9 * plan.ratePerSecond()) + 1);
        while (calls.get() < due && running) {
          long i = calls.get();
          boolean miss = random.nextDouble() < plan.missedShare();
          String number = number(i);
          pbx.call(number, miss);
          if (miss) {
            missed.incrementAndGet();
            missedNumbers.add(number);
          }
          calls.incrementAndGet();
        }
        if (now >= endNanos || calls.get() >= maxCalls) {
          break;
        }
        long nextDue = startedNanos + (long) (calls.get() / plan.ratePerSecond() * 1e9);
        long sleepNanos = Math.max(1_000_000, Math.min(nextDue - System.nanoTime(), 50_000_000));
        Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      endedNanos = System.nanoTime();
      done.countDown();
    }
  }

  public long calls() {
    return calls.get();
  }

  public long missed() {
    return missed.get();
  }

  /** The numbers of the missed calls, in the order played. */
  public List<String> missedNumbers() {
    return List.copyOf(missedNumbers);
  }

  /** Seconds from the first call to the end (or to now while running). */
  public double seconds() {
    long end = endedNanos == 0 ? System.nanoTime() : endedNanos;
    return (end - startedNanos) / 1e9;
  }

  /** Waits for the planned duration to pass; false on time-out. */
  public boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
