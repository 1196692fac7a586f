package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.telephony.AmiTestSupport.until;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(VertxExtension.class)
class EventHandoffTest {

  @ParameterizedTest
  @CsvSource({
      // held before open, sent after open by a foreign thread
      "0, 1",
      "5, 0",
      "3, 10",
      "0, 1000",
      "100, 50000",
      "0, 200000",
  })
  void everyItemArrivesOnTheContextInOrderAndNothingBeforeOpen(int before, int after, Vertx vertx, VertxTestContext tc) {
    Context ctx = vertx.getOrCreateContext();
    List<Object> got = new CopyOnWriteArrayList<>();
    AtomicInteger batches = new AtomicInteger();
    AtomicInteger offContext = new AtomicInteger();
    EventHandoff h = new EventHandoff(ctx, items -> {
      if (Vertx.currentContext() != ctx) {
        offContext.incrementAndGet();
      }
      batches.incrementAndGet();
      got.addAll(items);
    });
    for (int i = 0; i < before; i++) {
      h.add(i);
    }
    ctx.runOnContext(v -> {
      tc.verify(() -> assertThat(got).isEmpty());
      h.open();
      Thread producer = new Thread(() -> {
        for (int i = before; i < before + after; i++) {
          h.add(i);
        }
      });
      producer.start();
    });
    until(vertx, "all items", 10_000, () -> got.size() == before + after).onComplete(tc.succeeding(v -> tc.verify(() -> {
      List<Object> expected = new ArrayList<>();
      for (int i = 0; i < before + after; i++) {
        expected.add(i);
      }
      assertThat(got).containsExactlyElementsOf(expected);
      assertThat(offContext.get()).isZero();
      assertThat(batches.get()).isLessThanOrEqualTo(Math.max(1, before + after));
      if (after >= 50_000) {
        assertThat(batches.get()).isLessThan(after / 10); // batched, not one hop per item
      }
      tc.completeNow();
    })));
  }
}
