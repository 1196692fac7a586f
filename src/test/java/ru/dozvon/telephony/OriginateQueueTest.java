package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Originate queue on its own, with a sender that stands for the PBX: first in, first out; never more than
 * {@code perSecond} written in any second nor more than {@code maxInFlight} waiting for their response; one entry per
 * key.
 */
class OriginateQueueTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static OriginateRequest request(String exten) {
    return OriginateRequest.of("PJSIP/101", "click-to-call", exten, null, Duration.ofSeconds(30));
  }

  @Test
  void ratePerSecondFirstInFirstOut() throws Exception {
    List<Long> sentAt = new CopyOnWriteArrayList<>();
    List<String> order = new CopyOnWriteArrayList<>();
    var queue = new OriginateQueue(vertx, vertx.getOrCreateContext(), (r, written) -> {
      sentAt.add(System.nanoTime());
      order.add(r.exten());
      written.run();
      return Future.succeededFuture(new OriginateResult("x", true, 4, r.channel(), "1.1"));
    }, 10, 100, new SimpleMeterRegistry());
    List<Future<OriginateResult>> all = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 35; i++) {
      expected.add("+7916000" + String.format("%04d", i));
      all.add(queue.submit("deal-" + i, request(expected.get(i))));
    }
    Future.all(all).await(20, TimeUnit.SECONDS);
    assertThat(order).containsExactlyElementsOf(expected);
    // (the sender notes its time a few microseconds after the queue does)
    assertThat(maxInAnyWindow(sentAt, Duration.ofMillis(995))).isLessThanOrEqualTo(10);
    assertThat(Duration.ofNanos(sentAt.get(34) - sentAt.get(0))).isGreaterThan(Duration.ofMillis(2990));
    assertThat(queue.mostWrittenInASecond()).isEqualTo(10);
  }

  @Test
  void neverMoreInFlightThanTheCap() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    var queue = new OriginateQueue(vertx, vertx.getOrCreateContext(), (r, written) -> {
      written.run();
      most.accumulateAndGet(now.incrementAndGet(), Math::max);
      Promise<OriginateResult> p = Promise.promise();
      vertx.setTimer(50, t -> {
        now.decrementAndGet();
        p.complete(new OriginateResult("x", false, 3, r.channel(), null));
      });
      return p.future();
    }, 1000, 4, new SimpleMeterRegistry());
    List<Future<OriginateResult>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(queue.submit("deal-" + i, request("+79160000" + String.format("%03d", i))));
    }
    Future.all(all).await(20, TimeUnit.SECONDS);
    assertThat(most.get()).isEqualTo(4);
    assertThat(queue.inFlight()).isZero();
    assertThat(queue.queued()).isZero();
  }

  @Test
  void oneOriginatePerKeyWhileOneIsQueuedOrInFlight() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    Promise<OriginateResult> answer = Promise.promise();
    var queue = new OriginateQueue(vertx, vertx.getOrCreateContext(), (r, written) -> {
      written.run();
      sent.incrementAndGet();
      return answer.future();
    }, 5, 20, new SimpleMeterRegistry());
    var a = queue.submit("deal-7", request("+79161234567"));
    var b = queue.submit("deal-7", request("+79161234567"));
    vertx.timer(100).await(5, TimeUnit.SECONDS);
    answer.complete(new OriginateResult("x", true, 4, "PJSIP/101-1", "1.1"));
    assertThat(a.await(5, TimeUnit.SECONDS)).isEqualTo(b.await(5, TimeUnit.SECONDS));
    assertThat(sent.get()).isEqualTo(1);
    // once it is over, the key may be placed again
    queue.submit("deal-7", request("+79161234567"));
    vertx.timer(300).await(5, TimeUnit.SECONDS);
    assertThat(sent.get()).isEqualTo(2);
  }

  @Test
  void aFailedSendFreesItsSlot() throws Exception {
    var queue = new OriginateQueue(vertx, vertx.getOrCreateContext(),
        (r, written) -> Future.failedFuture(new AmiException("AMI not connected (CONNECTING)")), 5, 1, new SimpleMeterRegistry());
    var one = queue.submit("a", request("+79161234567"));
    var two = queue.submit("b", request("+79161234568"));
    assertThat(one.transform(ar -> Future.succeededFuture(ar.failed())).await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(two.transform(ar -> Future.succeededFuture(ar.failed())).await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(queue.inFlight()).isZero();
  }

  /** The most sends within any window of this length. */
  static int maxInAnyWindow(List<Long> nanos, Duration window) {
    List<Long> sorted = nanos.stream().sorted().toList();
    int most = 0;
    int from = 0;
    for (int i = 0; i < sorted.size(); i++) {
      while (sorted.get(i) - sorted.get(from) >= window.toNanos()) {
        from++;
      }
      most = Math.max(most, i - from + 1);
    }
    return most;
  }
}
