package ru.dozvon.dialing;

import ru.dozvon.support.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Flow.accept;
import static ru.dozvon.dialing.Flow.attempts;
import static ru.dozvon.dialing.Flow.awaitFired;
import static ru.dozvon.dialing.Flow.call;
import static ru.dozvon.dialing.Flow.count;
import static ru.dozvon.dialing.Flow.deal;
import static ru.dozvon.dialing.Flow.historyKinds;
import static ru.dozvon.dialing.Flow.local;
import static ru.dozvon.dialing.Flow.missed;
import static ru.dozvon.dialing.Flow.msk;
import static ru.dozvon.dialing.Flow.postOutcome;
import static ru.dozvon.dialing.Flow.sql;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.support.TestApp;

/** The stored retry chain end to end: calls in through the intake, outcomes over HTTP, the app's own scheduler. */
class DialingFlowTest {

  static final MovableClock CLOCK = new MovableClock(msk("2026-11-24T11:00"), Flow.MOSCOW);
  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start(java.util.Map.of(), CLOCK);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @ParameterizedTest(name = "{0}: attempts due {1}")
  @CsvSource(delimiter = '|', textBlock = """
      +74951110001 | 2026-11-24T11:00 2026-11-24T12:00 2026-11-25T12:00 2026-11-25T13:00
      +79161110001 | 2026-11-24T11:00 2026-11-24T12:00 2026-11-25T12:00 2026-11-25T13:00
      """)
  void theWholeLadderUnansweredEndsLostWithTheSupervisorsTask(String phone, String dues) {
    List<String> expected = Arrays.asList(dues.split(" "));
    CLOCK.set(msk(expected.get(0)));
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    for (int k = 1; k <= 4; k++) {
      JsonObject attempt = attempts(t, dealId).getJsonObject(k - 1);
      assertThat(attempt.getInteger("no")).isEqualTo(k);
      assertThat(local(Instant.parse(attempt.getString("dueAt")))).startsWith(expected.get(k - 1));
      assertThat(attempt.getString("why")).startsWith("attempt " + k + " of 4: ");
      CLOCK.set(Instant.parse(attempt.getString("dueAt")));
      awaitFired(t, dealId, k);
      assertThat(count(t, """
          SELECT count(*) FROM tasks t JOIN attempts a ON a.id = t.attempt_id
          WHERE a.deal_id = $1 AND a.no = $2 AND t.kind = 'CALLBACK' AND t.priority = 'RED' AND t.done_at IS NULL""",
          dealId, k)).isEqualTo(1);
      JsonObject reply = postOutcome(t, dealId, "NO_ANSWER", 200);
      assertThat(reply.getJsonArray("attempts").getJsonObject(k - 1).getString("outcome")).isEqualTo("NO_ANSWER");
      assertThat(reply.getJsonArray("attempts")).hasSize(k < 4 ? k + 1 : 4);
      assertThat(reply.getString("status")).isEqualTo(k < 4 ? "OPEN" : "LOST");
    }
    JsonObject d = deal(t, dealId);
    assertThat(d.getString("status")).isEqualTo("LOST");
    assertThat(d.getString("stage")).isEqualTo("lost");
    assertThat(d.getString("lossReason")).isEqualTo("could_not_reach");
    assertThat(d.getString("closedAt")).isEqualTo(CLOCK.instant().toString());
    assertThat(count(t, """
        SELECT count(*) FROM tasks WHERE deal_id = $1 AND for_role = 'SUPERVISOR' AND kind = 'CLOSING_CONTROL'
        AND title = 'Проконтролировать закрытие сделки' AND done_at IS NULL""", dealId)).isEqualTo(1);
    assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1 AND kind = 'CALLBACK' AND done_at IS NULL",
        dealId)).isZero();
    assertThat(historyKinds(t, dealId)).containsSubsequence("created", "attempt_scheduled", "attempt_outcome",
        "attempt_scheduled", "attempt_outcome", "attempt_scheduled", "attempt_outcome", "attempt_scheduled",
        "attempt_outcome", "closed", "task");
    JsonObject closed = d.getJsonArray("history").stream().map(JsonObject.class::cast)
        .filter(h -> h.getString("kind").equals("closed")).findFirst().orElseThrow();
    assertThat(closed.getJsonObject("details").getString("reasonName")).isEqualTo("не дозвонился");
    postOutcome(t, dealId, "REACHED", 409);
  }

  @ParameterizedTest(name = "missed at {1} -> attempt 1 at {2}")
  @CsvSource(delimiter = '|', textBlock = """
      +74951120001 | 2026-11-27T19:30 | 2026-11-30T10:00 | true
      +74951120009 | 2026-11-27T18:30 | 2026-11-27T18:30 | false
      +74951120002 | 2026-11-24T11:00 | 2026-11-24T11:00 | false
      +74951120003 | 2026-11-25T22:00 | 2026-11-26T10:00 | true
      +74951120004 | 2026-11-26T07:45 | 2026-11-26T10:00 | true
      +74951120005 | 2026-11-03T19:30 | 2026-11-05T10:00 | true
      +74951120006 | 2026-11-28T12:00 | 2026-11-30T10:00 | true
      +74951120007 | 2026-12-30T20:00 | 2027-01-11T10:00 | true
      +79161120008 | 2026-11-27T18:59 | 2026-11-27T18:59 | false
      """)
  void attemptOneFallsInsideTheDefaultCallingWindow(String phone, String callAt, String dueAt, boolean moved) {
    CLOCK.set(msk(callAt));
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    JsonObject a = attempts(t, dealId).getJsonObject(0);
    assertThat(local(Instant.parse(a.getString("dueAt")))).startsWith(dueAt);
    assertThat(a.getString("why")).startsWith("attempt 1 of 4: right away");
    assertThat(a.getString("why").contains("by calling hours")).isEqualTo(moved);
  }

  /**
   * Friday 18:30 is inside the default window (10:00-19:00), so attempt 1 is right away; the hour
   * after it is past closing, so attempt 2 waits for Monday 10:00.
   */
  @ParameterizedTest(name = "{0}: missed Friday 18:30, attempt 2 at {1}")
  @CsvSource({"+74951121001, 2026-11-30T10:00", "+79161121002, 2026-11-30T10:00"})
  void aMissedCallLateOnFridayIsCalledBackOnMondayMorning(String phone, String attempt2) {
    CLOCK.set(msk("2026-11-27T18:30"));
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    awaitFired(t, dealId, 1);
    postOutcome(t, dealId, "NO_ANSWER", 200);
    JsonObject a2 = attempts(t, dealId).getJsonObject(1);
    assertThat(local(Instant.parse(a2.getString("dueAt")))).startsWith(attempt2);
    assertThat(a2.getString("why")).isEqualTo("attempt 2 of 4: 1 hour after attempt 1, moved to Mon 10:00 by calling hours");
    CLOCK.set(msk("2026-11-30T09:59"));
    waitTwoPeriods();
    assertThat(attempts(t, dealId).getJsonObject(1).getString("state")).isEqualTo("PENDING");
    CLOCK.set(msk(attempt2));
    awaitFired(t, dealId, 2);
  }

  @ParameterizedTest(name = "{0}: called back while attempt 1 was {2}")
  @CsvSource(delimiter = '|', textBlock = """
      +79161130001 | 2026-11-28T12:00 | PENDING
      +79161130002 | 2026-12-02T11:00 | FIRED
      """)
  void aLeadCallingBackStopsTheChain(String phone, String missedAt, String stateBefore) {
    CLOCK.set(msk(missedAt));
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    if (stateBefore.equals("FIRED")) {
      awaitFired(t, dealId, 1);
    }
    assertThat(attempts(t, dealId).getJsonObject(0).getString("state")).isEqualTo(stateBefore);
    CLOCK.set(CLOCK.instant().plus(Duration.ofMinutes(10)));
    accept(t, call(phone, "INBOUND", "ANSWERED", false, CLOCK.instant()));
    JsonArray attempts = attempts(t, dealId);
    assertThat(attempts).hasSize(1);
    assertThat(attempts.getJsonObject(0).getString("state")).isEqualTo("CANCELLED");
    assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1 AND done_at IS NULL", dealId)).isZero();
    JsonObject d = deal(t, dealId);
    assertThat(d.getString("firstContactAt")).isNotNull();
    JsonObject stopped = d.getJsonArray("history").stream().map(JsonObject.class::cast)
        .filter(h -> h.getString("kind").equals("chain_stopped")).findFirst().orElseThrow();
    assertThat(stopped.getJsonObject("details").getString("why")).contains("called back, answered");
    // Time passes beyond the old due time: nothing fires (checked after two scheduler periods).
    CLOCK.set(msk("2026-11-30T10:30"));
    waitTwoPeriods();
    assertThat(attempts(t, dealId).getJsonObject(0).getString("state")).isEqualTo("CANCELLED");
  }

  @ParameterizedTest(name = "{0}: the second missed call makes attempt 2 due at once")
  @CsvSource({"+74951140001, 2026-12-01T11:00", "+79161140002, 2026-12-01T14:00"})
  void aSecondMissedCallMakesThePendingAttemptDueNow(String phone, String firstAt) {
    CLOCK.set(msk(firstAt));
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    awaitFired(t, dealId, 1);
    postOutcome(t, dealId, "NO_ANSWER", 200);
    Instant policyDue = Instant.parse(attempts(t, dealId).getJsonObject(1).getString("dueAt"));
    assertThat(policyDue).isAfterOrEqualTo(CLOCK.instant().plus(Duration.ofHours(1)));
    CLOCK.set(CLOCK.instant().plus(Duration.ofMinutes(20)));
    Instant again = CLOCK.instant();
    assertThat(missed(t, phone, again).dealId()).isEqualTo(dealId);
    JsonObject a2 = attempts(t, dealId).getJsonObject(1);
    assertThat(Instant.parse(a2.getString("dueAt"))).isEqualTo(again);
    assertThat(a2.getString("why")).startsWith("attempt 2 of 4: the lead called again at ");
    assertThat(historyKinds(t, dealId)).contains("attempt_rescheduled");
    awaitFired(t, dealId, 2);
  }

  @ParameterizedTest(name = "outbound call {0} -> attempt 1 {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ANSWERED      | REACHED     | 1 | DONE  | in_work
      NO_ANSWER     | NO_ANSWER   | 2 | DONE  | new
      BUSY          | BUSY        | 2 | DONE  | new
      UNAVAILABLE   | UNAVAILABLE | 2 | DONE  | new
      CALLER_ABANDONED | FAILED   | 2 | DONE  | new
      NOT_CONNECTED |             | 1 | FIRED | new
      """)
  void anOutboundCallEndsTheFiredAttempt(String callOutcome, String attemptOutcome, int attemptsAfter,
                                         String stateAfter, String stage) {
    String phone = "+7916115" + String.format("%04d", callOutcome.hashCode() & 0xfff);
    CLOCK.set(msk("2026-12-08T11:00"));
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    awaitFired(t, dealId, 1);
    CLOCK.set(msk("2026-12-08T11:02"));
    accept(t, call(phone, "OUTBOUND", callOutcome, false, CLOCK.instant()));
    JsonArray attempts = attempts(t, dealId);
    assertThat(attempts).hasSize(attemptsAfter);
    assertThat(attempts.getJsonObject(0).getString("state")).isEqualTo(stateAfter);
    assertThat(attempts.getJsonObject(0).getString("outcome")).isEqualTo(attemptOutcome);
    assertThat(deal(t, dealId).getString("stage")).isEqualTo(stage);
  }

  @ParameterizedTest(name = "POST outcome {0}")
  @CsvSource(delimiter = '|', textBlock = """
      REACHED            | 1 | in_work | true  | true
      REACHED_CALL_LATER | 2 | new     | true  | false
      BUSY               | 2 | new     | false | false
      FAILED             | 2 | new     | false | false
      """)
  void aManualOutcomeRecordsAndMovesTheChain(String result, int attemptsAfter, String stage, boolean contact,
                                             boolean stopped) {
    String phone = "+7495116" + String.format("%04d", result.hashCode() & 0xfff);
    CLOCK.set(msk("2026-12-09T12:00"));
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    awaitFired(t, dealId, 1);
    JsonObject reply = postOutcome(t, dealId, result, 200);
    assertThat(reply.getJsonArray("attempts")).hasSize(attemptsAfter);
    assertThat(reply.getJsonArray("attempts").getJsonObject(0).getString("outcome")).isEqualTo(result);
    JsonObject d = deal(t, dealId);
    assertThat(d.getString("stage")).isEqualTo(stage);
    assertThat(d.getString("firstContactAt") != null).isEqualTo(contact);
    assertThat(historyKinds(t, dealId).contains("chain_stopped")).isEqualTo(stopped);
    assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1 AND kind = 'CALLBACK' AND done_at IS NOT NULL",
        dealId)).isEqualTo(1);
  }

  @Test
  void aManagerCallingEarlyRecordsACallOutsideTheLadderAndKeepsThePendingStep() {
    CLOCK.set(msk("2026-11-28T12:00")); // Saturday: attempt 1 waits for Monday
    long dealId = missed(t, "+74951170001", CLOCK.instant()).dealId();
    JsonObject reply = postOutcome(t, dealId, "NO_ANSWER", 200);
    JsonArray a = reply.getJsonArray("attempts");
    assertThat(a).hasSize(2);
    assertThat(a.getJsonObject(0).getString("state")).isEqualTo("PENDING");
    assertThat(a.getJsonObject(0).getInteger("step")).isEqualTo(1);
    assertThat(local(Instant.parse(a.getJsonObject(0).getString("dueAt")))).startsWith("2026-11-30T10:00");
    assertThat(a.getJsonObject(1).getInteger("no")).isEqualTo(2);
    assertThat(a.getJsonObject(1).getInteger("step")).isNull();
    assertThat(a.getJsonObject(1).getString("state")).isEqualTo("DONE");
    assertThat(a.getJsonObject(1).getString("outcome")).isEqualTo("NO_ANSWER");
    assertThat(count(t, "SELECT count(*) FROM tasks WHERE deal_id = $1", dealId)).isZero();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      {"result":"MAYBE"}                  | admin    | 400 | result
      {"note":"x"}                        | admin    | 400 | result
      {"result":"BUSY","extra":1}         | admin    | 400 | extra
      {"result":7}                        | admin    | 400 | result
      {"result":"BUSY"}                   | other    | 403 |
      {"result":"BUSY"}                   | owner    | 200 |
      """)
  void badRequestsAndPermissions(String body, String who, int status, String field) {
    CLOCK.set(msk("2026-12-10T12:00"));
    String phone = "+7495118" + String.format("%04d", (body + who).hashCode() & 0xfff);
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    String ext = phone.substring(phone.length() - 4);
    JsonObject owner = t.createManager("Owner " + phone, "2" + ext, 10);
    JsonObject other = t.createManager("Other " + phone, "3" + ext, 10);
    sql(t, "UPDATE deals SET manager_id = $2 WHERE id = $1", dealId, owner.getLong("id"));
    String token = switch (who) {
      case "owner" -> owner.getString("token");
      case "other" -> other.getString("token");
      default -> TestApp.ADMIN_TOKEN;
    };
    JsonObject reply = postOutcome(t, dealId, new JsonObject(body), token, status);
    if (field != null) {
      assertThat(reply.getString("field")).isEqualTo(field);
    }
  }

  @Test
  void aClosedDealRefusesOutcomesWith409() {
    CLOCK.set(msk("2026-12-10T13:00"));
    long dealId = missed(t, "+74951190001", CLOCK.instant()).dealId();
    sql(t, "UPDATE deals SET status = 'WON', closed_at = $2 WHERE id = $1", dealId,
        CLOCK.instant().atOffset(java.time.ZoneOffset.UTC));
    assertThat(postOutcome(t, dealId, "REACHED", 409).getString("rule")).isEqualTo("deal_closed");
    assertThat(TestApp.await(t.post("/api/deals/999999/outcome", TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("result", "BUSY"))).statusCode()).isEqualTo(404);
  }

  private static void waitTwoPeriods() {
    try {
      t.app.vertx().timer(2 * AttemptScheduler.DEFAULT_INTERVAL.toMillis() + 100).await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
