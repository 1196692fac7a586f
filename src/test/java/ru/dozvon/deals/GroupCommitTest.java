package ru.dozvon.deals;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.TestApp;

/**
 * Group commit of missed calls, on the real recorder and database: calls that arrive while a transaction runs
 * share the next one; a group that fails is recorded again call by call, so only the bad call fails. A deal's
 * {@code created_at} is its transaction's start ({@code now()}), so the distinct values count the transactions.
 */
class GroupCommitTest {

  static TestApp t;
  static final AtomicInteger IDS = new AtomicInteger();
  static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");

  @BeforeAll
  static void start() {
    t = TestApp.start();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static CallFacts missed(String phone, String callerRaw) {
    var p = PhoneNumbers.parse(phone);
    return new CallFacts("group." + IDS.incrementAndGet(), CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, p, callerRaw, false,
        "74951234567", null, null, T0, null, T0.plusSeconds(30), 30, 0, false);
  }

  /** Submits every call from the group's own context in one go, as a burst from the PBX arrives. */
  static List<Future<PgCallRecorder.Recorded>> burst(GroupCommit groups, Context context, List<CallFacts> calls)
      throws Exception {
    Promise<List<Future<PgCallRecorder.Recorded>>> sent = Promise.promise();
    context.runOnContext(v -> {
      List<Future<PgCallRecorder.Recorded>> out = new ArrayList<>();
      for (CallFacts c : calls) {
        out.add(groups.record(c));
      }
      sent.complete(out);
    });
    List<Future<PgCallRecorder.Recorded>> out = sent.future().await(10, TimeUnit.SECONDS);
    Future.join(out).otherwiseEmpty().await(30, TimeUnit.SECONDS);
    return out;
  }

  static long transactions(List<Future<PgCallRecorder.Recorded>> recorded) throws Exception {
    Long[] deals = recorded.stream().filter(Future::succeeded).map(f -> f.result().dealId()).toArray(Long[]::new);
    Row r = t.app.pool().preparedQuery("SELECT count(DISTINCT created_at) FROM deals WHERE id = ANY($1)")
        .execute(Tuple.of(deals)).await(10, TimeUnit.SECONDS).iterator().next();
    return r.getLong(0);
  }

  @Test
  void callsArrivingWhileATransactionRunsShareTheNextOneAndTwoFromOneNumberMakeOneDeal() throws Exception {
    Context context = t.app.vertx().getOrCreateContext();
    GroupCommit groups = new GroupCommit(context, t.app.callRecorder(), 1, 50);
    List<CallFacts> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(missed(String.format("+7916800%04d", i), "x"));
    }
    calls.add(missed("+79168000007", "again")); // the same number again, in the same burst

    var recorded = burst(groups, context, calls);

    assertThat(recorded).allMatch(Future::succeeded);
    assertThat(transactions(recorded)).as("the first call alone, then the 30 that came meanwhile").isEqualTo(2);
    assertThat(recorded.subList(0, 30)).allMatch(f -> f.result().effect() == PgCallRecorder.Effect.DEAL_CREATED);
    PgCallRecorder.Recorded again = recorded.get(30).result();
    assertThat(again.effect()).isEqualTo(PgCallRecorder.Effect.ATTACHED_MISSED);
    assertThat(again.dealId()).isEqualTo(recorded.get(7).result().dealId());
    assertThat(t.app.pool().preparedQuery("SELECT count(*) FROM calls WHERE deal_id = $1")
        .execute(Tuple.of(again.dealId())).await(10, TimeUnit.SECONDS).iterator().next().getLong(0)).isEqualTo(2);
  }

  @Test
  void aCallTheDatabaseRefusesFailsAloneAndTheRestOfItsGroupIsRecorded() throws Exception {
    Context context = t.app.vertx().getOrCreateContext();
    GroupCommit groups = new GroupCommit(context, t.app.callRecorder(), 1, 50);
    List<CallFacts> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(missed(String.format("+7916810%04d", i), i == 5 ? "nul\u0000byte" : "ok"));
    }

    var recorded = burst(groups, context, calls);

    assertThat(recorded.get(5).failed()).isTrue();
    assertThat(recorded.get(5).cause().getMessage()).contains("0x00");
    for (int i = 0; i < 10; i++) {
      if (i != 5) {
        assertThat(recorded.get(i).succeeded()).as("call %d", i).isTrue();
        assertThat(recorded.get(i).result().effect()).isEqualTo(PgCallRecorder.Effect.DEAL_CREATED);
      }
    }
    Row r = t.app.pool().query("SELECT count(*) FROM calls WHERE pbx_call_id IN ("
        + calls.stream().map(c -> "'" + c.pbxCallId() + "'").reduce((a, b) -> a + "," + b).orElseThrow() + ")")
        .execute().await(10, TimeUnit.SECONDS).iterator().next();
    assertThat(r.getLong(0)).isEqualTo(9);
  }

  /** The telephony loop's own state is not thread-safe: the answer comes back on the context that asked. */
  @Test
  void theAnswerComesBackOnTheCallersContext() throws Exception {
    Context groupContext = t.app.vertx().getOrCreateContext();
    Context caller = t.app.vertx().getOrCreateContext();
    GroupCommit groups = new GroupCommit(groupContext, t.app.callRecorder(), 2, 50);
    Promise<Context> answeredOn = Promise.promise();
    caller.runOnContext(v -> groups.record(missed("+79168300001", "x"))
        .onComplete(ar -> answeredOn.complete(io.vertx.core.Vertx.currentContext())));
    assertThat(answeredOn.future().await(10, TimeUnit.SECONDS)).isSameAs(caller);
  }

  @Test
  void aCallAlreadyStoredIsADuplicateInAGroupToo() throws Exception {
    Context context = t.app.vertx().getOrCreateContext();
    GroupCommit groups = new GroupCommit(context, t.app.callRecorder(), 1, 50);
    CallFacts c = missed("+79168200001", "x");
    var first = burst(groups, context, List.of(c, missed("+79168200002", "x")));
    var second = burst(groups, context, List.of(c, c, missed("+79168200003", "x")));

    assertThat(first.get(0).result().effect()).isEqualTo(PgCallRecorder.Effect.DEAL_CREATED);
    assertThat(second.get(0).result().effect()).isEqualTo(PgCallRecorder.Effect.DUPLICATE);
    assertThat(second.get(1).result().effect()).isEqualTo(PgCallRecorder.Effect.DUPLICATE);
    assertThat(second.get(0).result().dealId()).isEqualTo(first.get(0).result().dealId());
    assertThat(second.get(2).result().effect()).isEqualTo(PgCallRecorder.Effect.DEAL_CREATED);
  }
}
