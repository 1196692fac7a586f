package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Flow.accept;
import static ru.dozvon.dialing.Flow.attempts;
import static ru.dozvon.dialing.Flow.awaitFired;
import static ru.dozvon.dialing.Flow.call;
import static ru.dozvon.dialing.Flow.count;
import static ru.dozvon.dialing.Flow.deal;
import static ru.dozvon.dialing.Flow.local;
import static ru.dozvon.dialing.Flow.missed;
import static ru.dozvon.dialing.Flow.msk;
import static ru.dozvon.dialing.Flow.postOutcome;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;

/**
 * Issue 10's cases, each as it was seen: a missed call on a deal whose ladder was stopped, cancelled or exhausted
 * and reopened is recorded and makes a callback due now; early outcomes do not shorten the ladder; the ladder's
 * close is the funnel's close; "call later" always schedules; a lead's own message is not contact.
 */
class LadderHistoryTest {

  static final MovableClock CLOCK = new MovableClock(msk("2026-11-24T11:00"), Flow.MOSCOW);
  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start(Map.of(), CLOCK);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static JsonObject post(String path, JsonObject body, int expect) {
    var r = TestApp.await(t.post(path, TestApp.ADMIN_TOKEN).sendJsonObject(body));
    assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isEqualTo(expect);
    return r.bodyAsJsonObject();
  }

  static JsonObject open(JsonArray attempts) {
    return attempts.stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("state").equals("PENDING") || a.getString("state").equals("FIRED"))
        .findFirst().orElseThrow(() -> new AssertionError("no open attempt in " + attempts.encodePrettily()));
  }

  @Test
  void aMissedCallOnALostAndReopenedDealIsRecordedAndDueNow() {
    CLOCK.set(msk("2026-12-01T11:00"));
    String phone = "+79162000001";
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    post("/api/deals/" + dealId + "/close", new JsonObject().put("status", "LOST").put("reason", "no_need")
        .put("comment", "не нужно"), 200);
    assertThat(attempts(t, dealId).getJsonObject(0).getString("state")).isEqualTo("CANCELLED");
    CLOCK.set(msk("2026-12-02T12:00"));
    post("/api/deals/" + dealId + "/reopen", new JsonObject(), 200);
    CLOCK.set(msk("2026-12-02T13:00"));
    var again = missed(t, phone, CLOCK.instant());
    assertThat(again.dealId()).isEqualTo(dealId);
    assertThat(count(t, "SELECT count(*) FROM calls WHERE deal_id = $1", dealId)).isEqualTo(2);
    JsonObject due = open(attempts(t, dealId));
    assertThat(Instant.parse(due.getString("dueAt"))).isEqualTo(CLOCK.instant());
    assertThat(due.getInteger("no")).isEqualTo(2);
    assertThat(due.getInteger("ladder")).isEqualTo(2);
    assertThat(due.getInteger("step")).isEqualTo(1);
    assertThat(due.getString("why")).contains("called again").contains("after the chain had stopped");
    assertThat(t.app.telephony().pendingCalls()).isZero();
    awaitFired(t, dealId, 2);
  }

  @Test
  void aMissedCallAfterContactStartsALadderOfItsOwn() {
    CLOCK.set(msk("2026-12-01T11:00"));
    String phone = "+79162000002";
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    CLOCK.set(msk("2026-12-01T11:10"));
    accept(t, call(phone, "INBOUND", "ANSWERED", false, CLOCK.instant())); // the lead called back and talked
    assertThat(attempts(t, dealId).getJsonObject(0).getString("state")).isEqualTo("CANCELLED");
    CLOCK.set(msk("2026-12-03T15:00"));
    missed(t, phone, CLOCK.instant());
    JsonObject due = open(attempts(t, dealId));
    assertThat(Instant.parse(due.getString("dueAt"))).isEqualTo(CLOCK.instant());
    awaitFired(t, dealId, due.getInteger("no"));
    postOutcome(t, dealId, "NO_ANSWER", 200);
    JsonObject next = open(attempts(t, dealId));
    assertThat(next.getInteger("ladder")).isEqualTo(due.getInteger("ladder"));
    assertThat(next.getInteger("step")).isEqualTo(2);
    assertThat(local(Instant.parse(next.getString("dueAt")))).startsWith("2026-12-03T16:00");
  }

  @Test
  void fourOutcomesWithinOneSecondDoNotCloseTheDeal() {
    CLOCK.set(msk("2026-12-01T11:00"));
    long dealId = missed(t, "+79162000003", CLOCK.instant()).dealId();
    awaitFired(t, dealId, 1);
    for (int i = 0; i < 4; i++) {
      postOutcome(t, dealId, "NO_ANSWER", 200);
      CLOCK.advance(Duration.ofMillis(200));
    }
    JsonObject d = deal(t, dealId);
    assertThat(d.getString("status")).isEqualTo("OPEN");
    JsonArray a = d.getJsonArray("attempts");
    assertThat(a.stream().map(JsonObject.class::cast).filter(x -> x.getInteger("step") == null)).hasSize(3);
    JsonObject pending = open(a);
    assertThat(pending.getInteger("step")).isEqualTo(2);
    // the early calls count against the mobile's 3 a day: attempt 2 moves to the next morning
    assertThat(local(Instant.parse(pending.getString("dueAt")))).startsWith("2026-12-02T10:00");
    assertThat(pending.getString("why")).contains("at most 3 calls a day");
  }

  @Test
  void theLadderTriedAtItsTimesClosesTheDealAsTheFunnelDoes() {
    CLOCK.set(msk("2026-12-01T11:00"));
    JsonObject anna = t.createManager("Anna L", "4101", 10);
    TestApp.await(t.patch("/api/managers/" + anna.getLong("id"), TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
    long dealId = missed(t, "+79162000004", CLOCK.instant()).dealId();
    t.settleRouting().await();
    for (int k = 1; k <= 4; k++) {
      JsonObject due = open(attempts(t, dealId));
      CLOCK.set(Instant.parse(due.getString("dueAt")));
      awaitFired(t, dealId, due.getInteger("no"));
      postOutcome(t, dealId, "BUSY", 200);
    }
    JsonObject d = deal(t, dealId);
    assertThat(d.getString("status")).isEqualTo("LOST");
    assertThat(d.getString("lossReason")).isEqualTo("could_not_reach");
    assertThat(count(t, "SELECT count(*) FROM deals WHERE id = $1 AND close_reason = 'could_not_reach'", dealId))
        .isEqualTo(1);
    assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1 AND for_role = 'MANAGER' AND done_at IS NULL",
        dealId)).isZero();
    assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1 AND kind = 'CLOSING_CONTROL'", dealId))
        .isEqualTo(1);
    assertThat(count(t, "SELECT open_deals FROM managers WHERE id = $1", anna.getLong("id")))
        .isEqualTo(count(t, "SELECT count(*) FROM deals WHERE manager_id = $1 AND status = 'OPEN'", anna.getLong("id")));
    // reopened and missed again: a ladder of its own, due now
    post("/api/deals/" + dealId + "/reopen", new JsonObject(), 200);
    CLOCK.advance(Duration.ofMinutes(5));
    missed(t, "+79162000004", CLOCK.instant());
    assertThat(Instant.parse(open(attempts(t, dealId)).getString("dueAt"))).isEqualTo(CLOCK.instant());
  }

  @Test
  void callLaterAlwaysSchedulesTheNextCall() {
    CLOCK.set(msk("2026-12-01T11:00"));
    long named = missed(t, "+74952000005", CLOCK.instant()).dealId();
    awaitFired(t, named, 1);
    Instant at = msk("2026-12-01T18:30");
    postOutcome(t, named, new JsonObject().put("result", "REACHED_CALL_LATER").put("note", "за рулём")
        .put("callBackAt", at.toString()), TestApp.ADMIN_TOKEN, 200);
    JsonObject next = open(attempts(t, named));
    assertThat(Instant.parse(next.getString("dueAt"))).isEqualTo(at);
    assertThat(next.getString("why")).contains("asked to be called back");
    assertThat(deal(t, named).getString("firstContactAt")).isNotNull();

    long byDefault = missed(t, "+74952000006", CLOCK.instant()).dealId();
    awaitFired(t, byDefault, 1);
    postOutcome(t, byDefault, "REACHED_CALL_LATER", 200);
    assertThat(local(Instant.parse(open(attempts(t, byDefault)).getString("dueAt")))).startsWith("2026-12-01T14:00");

    // before the pending step was due: the step is re-planned as the call the lead asked for
    CLOCK.set(msk("2026-12-01T12:00"));
    long early = missed(t, "+74952000007", CLOCK.instant()).dealId();
    awaitFired(t, early, 1);
    postOutcome(t, early, "NO_ANSWER", 200);
    postOutcome(t, early, "REACHED_CALL_LATER", 200);
    JsonArray a = attempts(t, early);
    assertThat(a.stream().map(JsonObject.class::cast).filter(x -> x.getString("state").equals("PENDING"))).hasSize(1);
    assertThat(local(Instant.parse(open(a).getString("dueAt")))).startsWith("2026-12-01T15:00");

    postOutcome(t, early, new JsonObject().put("result", "BUSY").put("callBackAt", at.toString()),
        TestApp.ADMIN_TOKEN, 400);
  }

  @Test
  void aLeadsOwnMessageIsNotContactAndMakesTheCallbackDueNow() {
    CLOCK.set(msk("2026-12-01T11:00"));
    String phone = "+79162000008";
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    awaitFired(t, dealId, 1);
    postOutcome(t, dealId, "NO_ANSWER", 200);
    CLOCK.set(msk("2026-12-01T11:20"));
    post("/api/leads", new JsonObject().put("source", "chat").put("phone", phone)
        .put("fields", new JsonObject().put("text", "перезвоните")), 200);
    JsonObject d = deal(t, dealId);
    assertThat(d.getString("firstContactAt")).isNull();
    JsonObject due = open(d.getJsonArray("attempts"));
    assertThat(Instant.parse(due.getString("dueAt"))).isEqualTo(CLOCK.instant());
    assertThat(due.getString("why")).contains("wrote");
    assertThat(d.getJsonArray("history").stream().map(h -> ((JsonObject) h).getString("kind"))).contains("message");
    assertThat(t.app.meters().scrape()).doesNotContain("dozvon_speed_to_lead_seconds_count 1");
  }
}
