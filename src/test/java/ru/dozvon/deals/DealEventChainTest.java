package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chain tells each event to every listener in order, then the follow-ups the listeners returned, breadth
 * first; a listener never re-enters it. The chain needs no connection of its own (it hands the caller's on).
 */
class DealEventChainTest {

  static final Instant T = Instant.parse("2026-11-24T08:00:00Z");

  @Test
  void followUpsAreToldAfterTheEventWentThroughEveryListener() throws Exception {
    List<String> seen = new ArrayList<>();
    DealTxListener routing = (tx, e) -> {
      seen.add("routing:" + e.getClass().getSimpleName());
      return Future.succeededFuture(e instanceof DealEvent.Created c
          ? List.of(new DealEvent.Assigned(c.dealId(), 7, false, T)) : List.of());
    };
    DealTxListener dialing = (tx, e) -> {
      seen.add("dialing:" + e.getClass().getSimpleName());
      return Future.succeededFuture(e instanceof DealEvent.Assigned a
          ? List.of(new DealEvent.Closed(a.dealId(), 7L, DealStatus.LOST, "could_not_reach", T)) : List.of());
    };
    DealTxListener notifier = (tx, e) -> {
      seen.add("notifier:" + e.getClass().getSimpleName());
      return DealTxListener.NOTHING;
    };
    DealEventChain chain = new DealEventChain();
    chain.register(List.of(routing, dialing, notifier));
    chain.publish(null, new DealEvent.Created(1, 1, "web_form", null, T)).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertThat(seen).containsExactly(
        "routing:Created", "dialing:Created", "notifier:Created",
        "routing:Assigned", "dialing:Assigned", "notifier:Assigned",
        "routing:Closed", "dialing:Closed", "notifier:Closed");
  }

  @Test
  void aListenerLoopFailsTheChangeInsteadOfRunningForEver() {
    DealTxListener loop = (tx, e) -> Future.succeededFuture(List.of(new DealEvent.MissedAgain(e.dealId(), "x", T)));
    DealEventChain chain = new DealEventChain();
    chain.register(List.of(loop));
    Future<Void> told = chain.publish(null, new DealEvent.MissedAgain(5, "x", T));
    assertThat(told.failed()).isTrue();
    assertThat(told.cause()).hasMessageContaining("deal 5").hasMessageContaining("listener loop");
  }

  /** Found by the latency benchmark: routing tells 100 assignments at once, which is a batch, not a loop. */
  @Test
  void aLargeBatchIsNoLoop() {
    List<DealEvent> seen = new ArrayList<>();
    DealEventChain chain = new DealEventChain();
    chain.register(List.of((tx, e) -> {
      seen.add(e);
      return e instanceof DealEvent.Assigned a && a.managerId() == 1
          ? Future.succeededFuture(List.of(new DealEvent.Assigned(a.dealId(), 2, false, T))) : DealTxListener.NOTHING;
    }));
    List<DealEvent> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      batch.add(new DealEvent.Assigned(i, 1, false, T));
    }
    assertThat(chain.publish(null, batch).succeeded()).isTrue();
    assertThat(seen).hasSize(1000);
  }

  @Test
  void aFailingListenerFailsTheChange() {
    DealEventChain chain = new DealEventChain();
    chain.register(List.of((tx, e) -> Future.failedFuture(new IllegalStateException("no"))));
    assertThat(chain.publish(null, new DealEvent.MissedAgain(5, "x", T)).failed()).isTrue();
  }

  @Test
  void listenersAreRegisteredOnce() {
    DealEventChain chain = new DealEventChain();
    chain.register(List.of());
    assertThatThrownBy(() -> chain.register(List.of())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new DealEventChain().publish(null, new DealEvent.MissedAgain(5, "x", T)))
        .hasMessageContaining("not registered");
  }
}
