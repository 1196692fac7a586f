package ru.dozvon.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.MovableClock;

/** The feed's event ids and its bounded replay buffer (count and age, with a movable clock). */
class LiveFeedReplayTest {

  final Vertx vertx = Vertx.vertx();
  final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T10:00:00Z"));

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  static FeedEvent event(long deal) {
    return new FeedEvent("deal.created", deal, 1L, Instant.EPOCH, new JsonObject());
  }

  @Test
  void aReconnectGetsExactlyTheEventsAfterItsLastOneInOrder() {
    LiveFeed feed = new LiveFeed(vertx, clock, new StreamSettings(100, Duration.ofMinutes(15)));
    assertThat(feed.position()).isZero();
    for (long d = 1; d <= 5; d++) {
      feed.publish(event(d));
    }
    String third = feed.idOf(3);
    assertThat(third).startsWith(feed.runId() + "-");
    LiveFeed.Replay r = feed.since(third);
    assertThat(r.reset()).isFalse();
    assertThat(r.events()).extracting(n -> n.event().dealId()).containsExactly(4L, 5L);
    assertThat(r.events()).extracting(LiveFeed.Numbered::id).containsExactly(feed.idOf(4), feed.idOf(5));
    assertThat(feed.since(feed.idOf(5)).events()).isEmpty();
    assertThat(feed.since(feed.idOf(0)).events()).hasSize(5);
  }

  @Test
  void anIdOfAnotherRunOrAMalformedOneOrOneFromTheFutureIsAReset() {
    LiveFeed feed = new LiveFeed(vertx, clock, StreamSettings.DEFAULT);
    LiveFeed before = new LiveFeed(Vertx.vertx(), clock, StreamSettings.DEFAULT); // the previous start
    feed.publish(event(1));
    assertThat(before.runId()).isNotEqualTo(feed.runId());
    assertThat(feed.since(before.runId() + "-1").reset()).isTrue();
    assertThat(feed.since("garbage").reset()).isTrue();
    assertThat(feed.since(feed.runId() + "-x").reset()).isTrue();
    assertThat(feed.since(feed.idOf(7)).reset()).isTrue();
  }

  @Test
  void theBufferKeepsAtMostSoManyEventsAndAnIdDroppedFromItIsAReset() {
    LiveFeed feed = new LiveFeed(vertx, clock, new StreamSettings(3, Duration.ofMinutes(15)));
    for (long d = 1; d <= 6; d++) {
      feed.publish(event(d));
    }
    // Kept: 4, 5, 6. After 3: all of them, nothing lost. After 2: event 3 is gone, so a reset.
    assertThat(feed.since(feed.idOf(3)).events()).extracting(n -> n.event().dealId()).containsExactly(4L, 5L, 6L);
    assertThat(feed.since(feed.idOf(2)).reset()).isTrue();
  }

  @Test
  void eventsOlderThanTheMaxAgeAreNotReplayed() {
    LiveFeed feed = new LiveFeed(vertx, clock, new StreamSettings(100, Duration.ofMinutes(15)));
    feed.publish(event(1));
    clock.advance(Duration.ofMinutes(10));
    feed.publish(event(2));
    assertThat(feed.since(feed.idOf(0)).events()).hasSize(2);
    clock.advance(Duration.ofMinutes(6)); // event 1 is 16 min old now, event 2 six
    assertThat(feed.since(feed.idOf(0)).reset()).isTrue();
    assertThat(feed.since(feed.idOf(1)).events()).extracting(n -> n.event().dealId()).containsExactly(2L);
  }

  @Test
  void settingsOutOfRangeAreRefusedNamingTheKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamSettings.fromMap(java.util.Map.of("replay_events", "x")))
        .hasMessageStartingWith("stream.replay_events:");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamSettings.fromMap(java.util.Map.of("replay_max_age", "2d")))
        .hasMessageStartingWith("stream.replay_max_age:");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamSettings.fromMap(java.util.Map.of("replay", 1)))
        .hasMessageStartingWith("stream.replay:");
    assertThat(StreamSettings.fromMap(java.util.Map.of("replay_events", 50, "replay_max_age", "5m")))
        .isEqualTo(new StreamSettings(50, Duration.ofMinutes(5)));
  }
}
