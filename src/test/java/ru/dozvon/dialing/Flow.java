package ru.dozvon.dialing;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.deals.PgCallRecorder;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.TestApp;

/** What the dialing flow tests share: calls in, SQL and HTTP out, bounded polling, local times. */
final class Flow {

  static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
  private static final AtomicInteger IDS = new AtomicInteger();

  private Flow() {
  }

  static Instant msk(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(MOSCOW).toInstant();
  }

  static String local(Instant t) {
    return t.atZone(MOSCOW).toLocalDateTime().toString();
  }

  /** An ended call: INBOUND missed/answered, or OUTBOUND with the PBX's outcome. */
  static CallFacts call(String phone, String direction, String outcome, boolean missed, Instant endedAt) {
    var p = PhoneNumbers.parse(phone);
    boolean answered = "ANSWERED".equals(outcome);
    return new CallFacts("dialing." + IDS.incrementAndGet(), CallDirection.valueOf(direction), CallOutcome.valueOf(outcome), missed, p, phone, false,
        "74951234567", missed ? null : "101", null, endedAt.minusSeconds(40), answered ? endedAt.minusSeconds(30) : null,
        endedAt, answered ? 10 : 40, answered ? 30 : 0, false);
  }

  static PgCallRecorder.Recorded missed(TestApp t, String phone, Instant at) {
    return accept(t, call(phone, "INBOUND", "NO_ANSWER", true, at));
  }

  static PgCallRecorder.Recorded accept(TestApp t, CallFacts c) {
    try {
      return t.app.callIntake().accept(c, c.endedAt()).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static RowSet<Row> sql(TestApp t, String query, Object... args) {
    try {
      return t.app.pool().preparedQuery(query).execute(Tuple.wrap(Arrays.asList(args))).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(TestApp t, String query, Object... args) {
    return sql(t, query, args).iterator().next().getLong(0);
  }

  /** The deal's attempts as GET /api/deals/{id} shows them. */
  static JsonArray attempts(TestApp t, long dealId) {
    return deal(t, dealId).getJsonArray("attempts");
  }

  static JsonObject deal(TestApp t, long dealId) {
    var r = TestApp.await(t.get("/api/deals/" + dealId, TestApp.ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  static List<String> historyKinds(TestApp t, long dealId) {
    List<String> kinds = new ArrayList<>();
    deal(t, dealId).getJsonArray("history").forEach(h -> kinds.add(((JsonObject) h).getString("kind")));
    return kinds;
  }

  /** Polls (a 20 ms Vert.x timer between looks, 10 s at most) until {@code done} holds. */
  static <T> T eventually(TestApp t, Supplier<T> probe, Predicate<T> done) {
    T last = null;
    for (int i = 0; i < 500; i++) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      try {
        t.app.vertx().timer(20, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("condition not reached in 10 s; last seen: " + last);
  }

  /** Waits until the attempt {@code no} of the deal has fired (the app's own scheduler). */
  static void awaitFired(TestApp t, long dealId, int no) {
    eventually(t, () -> count(t, "SELECT count(*) FROM attempts WHERE deal_id = $1 AND no = $2 AND state = 'FIRED'",
        dealId, no), n -> n == 1);
  }

  static JsonObject postOutcome(TestApp t, long dealId, String result, int expectStatus) {
    return postOutcome(t, dealId, new JsonObject().put("result", result).put("note", "test"), TestApp.ADMIN_TOKEN,
        expectStatus);
  }

  static JsonObject postOutcome(TestApp t, long dealId, JsonObject body, String token, int expectStatus) {
    var r = TestApp.await(t.post("/api/deals/" + dealId + "/outcome", token).sendJsonObject(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(expectStatus);
    return r.bodyAsJsonObject();
  }
}
