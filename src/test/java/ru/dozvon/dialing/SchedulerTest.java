package ru.dozvon.dialing;

import ru.dozvon.support.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Flow.attempts;
import static ru.dozvon.dialing.Flow.awaitFired;
import static ru.dozvon.dialing.Flow.count;
import static ru.dozvon.dialing.Flow.eventually;
import static ru.dozvon.dialing.Flow.missed;
import static ru.dozvon.dialing.Flow.msk;
import static ru.dozvon.dialing.Flow.postOutcome;
import static ru.dozvon.dialing.Flow.sql;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.metrics.Meters;
import ru.dozvon.support.TestApp;

/** The durable scheduler: fires once, survives a restart, and two instances never fire the same attempt. */
class SchedulerTest {

  @Test
  void aDueAttemptFiresOnceIntoATaskAndTheFeed() throws Exception {
    MovableClock clock = new MovableClock(msk("2026-11-24T11:00"), Flow.MOSCOW);
    try (TestApp t = TestApp.start(Map.of(), clock)) {
      List<FeedEvent> due = Collections.synchronizedList(new ArrayList<>());
      t.app.feed().subscribe(e -> {
        if (e.type().equals("attempt.due")) {
          due.add(e);
        }
      });
      long dealId = missed(t, "+74951210001", clock.instant()).dealId();
      awaitFired(t, dealId, 1);
      eventually(t, () -> due.size(), n -> n == 1);
      Row task = sql(t, "SELECT * FROM tasks WHERE deal_id = $1", dealId).iterator().next();
      assertThat(task.getString("kind")).isEqualTo("CALLBACK");
      assertThat(task.getString("priority")).isEqualTo("RED");
      assertThat(task.getString("title")).isEqualTo("Перезвонить клиенту: попытка 1 из 4");
      assertThat(task.getOffsetDateTime("due_at").toInstant()).isEqualTo(clock.instant());
      assertThat(due.get(0).dealId()).isEqualTo(dealId);
      assertThat(due.get(0).data().getInteger("no")).isEqualTo(1);
      Instant firedAt = Instant.parse(attempts(t, dealId).getJsonObject(0).getString("firedAt"));
      clock.advance(Duration.ofMinutes(5));
      t.app.vertx().timer(3 * AttemptScheduler.DEFAULT_INTERVAL.toMillis()).await(5, TimeUnit.SECONDS);
      assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1", dealId)).isEqualTo(1);
      assertThat(Instant.parse(attempts(t, dealId).getJsonObject(0).getString("firedAt"))).isEqualTo(firedAt);
      assertThat(due).hasSize(1);
      assertThat(t.app.meters().scrape()).contains("dozvon_attempts_fired_total 1.0");
    }
  }

  @Test
  void afterARestartWhatCameDueDuringTheDowntimeFiresOnceRightAway() throws Exception {
    MovableClock clock = new MovableClock(msk("2026-11-24T11:00"), Flow.MOSCOW);
    TestApp first = TestApp.start(Map.of(), clock);
    long[] deals = new long[3];
    String[] starts = {"2026-11-24T11:00", "2026-11-24T11:30", "2026-11-24T11:50"};
    for (int i = 0; i < 3; i++) {
      clock.set(msk(starts[i]));
      deals[i] = missed(first, "+7495122000" + i, clock.instant()).dealId();
      awaitFired(first, deals[i], 1);
      postOutcome(first, deals[i], "NO_ANSWER", 200); // attempt 2 due an hour later: 12:00, 12:30, 12:50
    }
    String firstInstance = sql(first, "SELECT fired_by FROM attempts WHERE deal_id = $1 AND no = 1", deals[0])
        .iterator().next().getString(0);
    first.close();

    clock.set(msk("2026-11-24T12:40")); // past two of the three due times
    try (TestApp second = TestApp.startOn(first.db, Map.of(), clock)) {
      awaitFired(second, deals[0], 2);
      awaitFired(second, deals[1], 2);
      for (int i = 0; i < 2; i++) {
        Row a = sql(second, "SELECT * FROM attempts WHERE deal_id = $1 AND no = 2", deals[i]).iterator().next();
        assertThat(a.getString("fired_by")).isNotEqualTo(firstInstance);
        assertThat(a.getOffsetDateTime("fired_at").toInstant()).isEqualTo(clock.instant());
      }
      second.app.vertx().timer(3 * AttemptScheduler.DEFAULT_INTERVAL.toMillis()).await(5, TimeUnit.SECONDS);
      assertThat(attempts(second, deals[2]).getJsonObject(1).getString("state")).isEqualTo("PENDING");
      assertThat(count(second, """
          SELECT count(*) FROM tasks t JOIN attempts a ON a.id = t.attempt_id WHERE a.no = 2""")).isEqualTo(2);
      clock.set(msk("2026-11-24T12:50"));
      awaitFired(second, deals[2], 2);
      assertThat(count(second, "SELECT count(*) FROM tasks WHERE kind = 'CALLBACK'")).isEqualTo(6);
      assertThat(count(second, "SELECT count(DISTINCT attempt_id) FROM tasks WHERE kind = 'CALLBACK'")).isEqualTo(6);
    }
  }

  @Test
  void twoInstancesFireEachOfAThousandDueAttemptsExactlyOnce() throws Exception {
    MovableClock clock = new MovableClock(msk("2026-11-24T11:00"), Flow.MOSCOW);
    try (TestApp a = TestApp.start(Map.of(), clock); TestApp b = TestApp.startOn(a.db, Map.of(), clock)) {
      Instant due = clock.instant().plus(Duration.ofHours(1));
      sql(a, """
          WITH k AS (INSERT INTO contacts (phone, phone_kind)
                     SELECT '+7495' || lpad(g::text, 7, '0'), 'FIXED_LINE' FROM generate_series(1, $1) g RETURNING id),
               d AS (INSERT INTO deals (contact_id, source, arrived_at) SELECT id, 'manual', $2 FROM k RETURNING id)
          INSERT INTO attempts (deal_id, no, of_total, due_at, why) SELECT id, 1, 4, $3 + (id % 7) * interval '1 ms', 'bulk'
          FROM d""", 1000, clock.instant().atOffset(ZoneOffset.UTC), due.atOffset(ZoneOffset.UTC));
      List<Long> handedOver = Collections.synchronizedList(new ArrayList<>());
      for (TestApp t : List.of(a, b)) {
        t.app.feed().subscribe(e -> {
          if (e.type().equals("attempt.due")) {
            handedOver.add(e.data().getLong("attemptId"));
          }
        });
      }
      // Besides both apps' periodic schedulers, two more on each pool drain as fast as they can.
      List<AttemptScheduler> extra = new ArrayList<>();
      for (TestApp t : List.of(a, b, a, b)) {
        extra.add(new AttemptScheduler(t.app.pool(), clock, new Meters(), t.app.feed(), DueAttemptHandler.NONE,
            Duration.ofMillis(250), 7));
      }
      clock.set(due.plusSeconds(1));
      Future.all(extra.stream().map(AttemptScheduler::drain).toList()).await(60, TimeUnit.SECONDS);
      eventually(a, () -> count(a, "SELECT count(*) FROM attempts WHERE state = 'PENDING'"), n -> n == 0);
      eventually(a, () -> handedOver.size(), n -> n >= 1000);
      a.app.vertx().timer(3 * AttemptScheduler.DEFAULT_INTERVAL.toMillis()).await(5, TimeUnit.SECONDS);

      assertThat(count(a, "SELECT count(*) FROM attempts WHERE state = 'FIRED'")).isEqualTo(1000);
      assertThat(count(a, "SELECT count(*) FROM tasks WHERE kind = 'CALLBACK'")).isEqualTo(1000);
      assertThat(count(a, "SELECT count(DISTINCT attempt_id) FROM tasks")).isEqualTo(1000);
      assertThat(handedOver).hasSize(1000);
      assertThat(new HashSet<>(handedOver)).hasSize(1000);
      long instances = count(a, "SELECT count(DISTINCT fired_by) FROM attempts");
      assertThat(instances).isBetween(2L, 6L);
    }
  }

  @Test
  void anEmailOnlyLeadGetsTheRequestTasksUntilItReplies() throws Exception {
    MovableClock clock = new MovableClock(msk("2026-11-24T11:00"), Flow.MOSCOW);
    try (TestApp t = TestApp.start(Map.of(), clock)) {
      Row deal = sql(t, """
          WITH k AS (INSERT INTO contacts (email) VALUES ('lead@example.com') RETURNING id)
          INSERT INTO deals (contact_id, source, arrived_at) SELECT id, 'email', $1 FROM k RETURNING id, contact_id""",
          clock.instant().atOffset(ZoneOffset.UTC)).iterator().next();
      long dealId = deal.getLong("id");
      Dialing dialing = new Dialing(t.config.retry(), t.app.workflow(), t.app.dealListeners(), t.app.pool(), clock,
          t.app.meters(), t.app.feed());
      t.app.pool().withTransaction(tx -> dialing.listener().on(tx, new ru.dozvon.deals.DealEvent.Created(dealId,
          deal.getLong("contact_id"), "email", null, clock.instant()))).await(10, TimeUnit.SECONDS);
      List<String> due = new ArrayList<>();
      sql(t, "SELECT * FROM tasks WHERE deal_id = $1 AND kind = 'CONTACT_REQUEST' ORDER BY due_at", dealId)
          .forEach(r -> {
            due.add(Flow.local(r.getOffsetDateTime("due_at").toInstant()));
            assertThat(r.getString("title")).isEqualTo("Запросить контактные данные");
          });
      assertThat(due).containsExactly("2026-11-24T11:00", "2026-11-25T11:00");
      assertThat(count(t, "SELECT count(*) FROM attempts WHERE deal_id = $1", dealId)).isZero();
      clock.set(msk("2026-11-24T15:00"));
      t.app.pool().withTransaction(tx -> dialing.listener().on(tx, new ru.dozvon.deals.DealEvent.CustomerMessage(dealId,
          ru.dozvon.deals.ContactChannel.EMAIL, clock.instant()))).await(10, TimeUnit.SECONDS);
      assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1 AND done_at IS NULL AND kind = 'CONTACT_REQUEST'",
          dealId)).isZero();
      // the lead wrote: the manager is asked to answer, now
      assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1 AND done_at IS NULL AND kind = 'FOLLOW_UP'"
          + " AND priority = 'RED'", dealId)).isEqualTo(1);
      JsonObject stopped = Flow.deal(t, dealId).getJsonArray("history").stream().map(JsonObject.class::cast)
          .filter(h -> h.getString("kind").equals("email_requests_stopped")).findFirst().orElseThrow();
      assertThat(stopped.getJsonObject("details").getInteger("closed")).isEqualTo(2);
    }
  }

}
