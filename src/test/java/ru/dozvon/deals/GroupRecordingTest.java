package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.TestApp;

/**
 * A group of missed calls recorded set-based ({@link PgCallRecorder#recordTogether}: a round of distinct numbers in
 * two statements, the attempts 1 in one) writes exactly what the same calls write recorded one by one: the same
 * effects, the same deals, each deal's calls, history (kinds, actors, details, in order) and attempts. Two mirror
 * sets of numbers in one database, one recorded each way; the group mixes new numbers, numbers with an open deal,
 * a number three times and twice, and a call stored already. The clock stands at night (Moscow), so no attempt
 * fires in the background between the two and the comparison.
 */
class GroupRecordingTest {

  static final Instant NOW = Instant.parse("2026-11-24T21:30:00Z"); // 00:30 in Moscow: outside calling hours
  static final Instant T0 = NOW.minusSeconds(600);
  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start(Map.of(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static CallFacts missed(String set, String id, int number, int second) {
    var p = PhoneNumbers.parse(String.format("+7916%s%05d", set.equals("a") ? "77" : "88", number));
    Instant end = T0.plusSeconds(second);
    return new CallFacts(set + "." + id, CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, p, "caller " + number,
        false, "74951234567", null, "sales", end.minusSeconds(20), null, end, 20, 0, false);
  }

  /** The group: calls with their numbers; which of them were stored (or had their deal made) before. */
  static List<CallFacts> before(String set) {
    return List.of(missed(set, "old0", 0, 1), missed(set, "old1", 1, 2), missed(set, "old2", 2, 3),
        missed(set, "old3", 3, 4));
  }

  static List<CallFacts> group(String set) {
    List<CallFacts> g = new ArrayList<>();
    g.add(missed(set, "n0", 0, 100));
    g.add(missed(set, "n1", 1, 101));
    g.add(missed(set, "n2", 2, 102));
    g.add(missed(set, "old3", 3, 4)); // stored already: a duplicate
    g.add(missed(set, "n3", 3, 103));
    for (int k = 0; k < 3; k++) {
      g.add(missed(set, "n4-" + k, 4, 110 + k));
    }
    g.add(missed(set, "n5-0", 5, 120));
    g.add(missed(set, "n5-1", 5, 121));
    for (int n = 6; n < 12; n++) {
      g.add(missed(set, "n" + n, n, 130 + n));
    }
    g.sort(Comparator.comparing(c -> c.customer().e164())); // as GroupCommit hands a group over (stable)
    return g;
  }

  @Test
  void aGroupRecordedTogetherWritesWhatItsCallsWriteOneByOne() throws Exception {
    PgCallRecorder recorder = t.app.callRecorder();
    for (String set : List.of("a", "b")) {
      for (CallFacts c : before(set)) {
        recorder.record(c).await(10, TimeUnit.SECONDS);
      }
    }
    List<CallFacts> a = group("a");
    List<CallFacts> b = group("b");

    List<PgCallRecorder.Recorded> together = recorder.recordTogether(a).await(30, TimeUnit.SECONDS);
    List<PgCallRecorder.Recorded> oneByOne = new ArrayList<>();
    for (CallFacts c : b) {
      oneByOne.add(recorder.record(c).await(10, TimeUnit.SECONDS));
    }

    assertThat(together).hasSize(a.size());
    assertThat(together.stream().map(PgCallRecorder.Recorded::effect).toList())
        .isEqualTo(oneByOne.stream().map(PgCallRecorder.Recorded::effect).toList())
        .contains(PgCallRecorder.Effect.DEAL_CREATED, PgCallRecorder.Effect.ATTACHED_MISSED,
            PgCallRecorder.Effect.DUPLICATE);
    assertThat(shape(together)).as("which calls share a deal").isEqualTo(shape(oneByOne));
    for (int i = 0; i < a.size(); i++) {
      assertThat(together.get(i).callId()).isPositive();
    }
    awaitRouted();
    for (int i = 0; i < a.size(); i++) {
      assertThat(deal(together.get(i).dealId(), "a")).as("deal of call %d (%s)", i, a.get(i).pbxCallId())
          .isEqualTo(deal(oneByOne.get(i).dealId(), "b"));
    }
    assertThat(count("SELECT count(*) FROM attempts a JOIN deals d ON d.id = a.deal_id JOIN contacts k"
        + " ON k.id = d.contact_id WHERE k.phone LIKE '+791677%'")).as("one attempt a deal").isEqualTo(12);
  }

  /** For each call, the index of the first call on its deal. */
  static List<Integer> shape(List<PgCallRecorder.Recorded> recorded) {
    Map<Long, Integer> first = new LinkedHashMap<>();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < recorded.size(); i++) {
      out.add(first.computeIfAbsent(recorded.get(i).dealId(), d -> out.size()));
    }
    return out;
  }

  /** Everything stored of a deal, with the set's letter, ids and the write times left out. */
  static String deal(long dealId, String set) throws Exception {
    StringBuilder s = new StringBuilder();
    Row d = one("SELECT status, source, fields::text, arrived_at, EXISTS (SELECT 1 FROM routing_pending p "
        + "WHERE p.deal_id = deals.id) FROM deals WHERE id = $1", dealId);
    s.append("deal ").append(d.getString(0)).append(' ').append(d.getString(1)).append(' ').append(d.getString(2))
        .append(' ').append(d.getValue(3)).append(' ').append(d.getBoolean(4)).append('\n');
    for (Row r : rows("SELECT pbx_call_id, direction, outcome, missed, customer_phone, caller_raw, queue, started_at,"
        + " ended_at, ring_seconds FROM calls WHERE deal_id = $1 ORDER BY id", dealId)) {
      s.append("call");
      for (int c = 0; c < r.size(); c++) {
        s.append(' ').append(r.getValue(c));
      }
      s.append('\n');
    }
    for (Row r : rows("SELECT kind, actor, details::text, at FROM deal_history WHERE deal_id = $1 ORDER BY id",
        dealId)) {
      s.append("history ").append(r.getString(0)).append(' ').append(r.getString(1)).append(' ')
          .append(new JsonObject(r.getString(2)).encode()).append(' ').append(r.getValue(3)).append('\n');
    }
    for (Row r : rows("SELECT no, ladder, step, of_total, due_at, why, state FROM attempts WHERE deal_id = $1"
        + " ORDER BY no", dealId)) {
      s.append("attempt");
      for (int c = 0; c < r.size(); c++) {
        s.append(' ').append(r.getValue(c));
      }
      s.append('\n');
    }
    return s.toString().replace(set + ".", "x.").replace(set.equals("a") ? "+791677" : "+791688", "+7916xx");
  }

  /** Routing settles each new deal after its commit; the comparison waits for both sets. */
  static void awaitRouted() throws Exception {
    long until = System.currentTimeMillis() + 20_000;
    while (count("SELECT count(*) FROM routing_pending") > 0) {
      assertThat(System.currentTimeMillis()).as("deals still waiting for routing").isLessThan(until);
      Thread.sleep(50);
    }
  }

  static long count(String sql) throws Exception {
    return t.app.pool().query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  static Row one(String sql, long id) throws Exception {
    return rows(sql, id).get(0);
  }

  static List<Row> rows(String sql, long id) throws Exception {
    List<Row> out = new ArrayList<>();
    t.app.pool().preparedQuery(sql).execute(Tuple.of(id)).await(10, TimeUnit.SECONDS).forEach(out::add);
    return out;
  }
}
