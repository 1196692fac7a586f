package ru.dozvon.simpbx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import ru.dozvon.support.TestApp;

/**
 * The real service connected to the simulated PBX as to its Asterisk: the real Asterisk-Java client over TCP logs in,
 * resyncs (CoreShowChannels, QueueStatus, the phone lists) and reads the calls the simulator plays, PJSIP-shaped and
 * Local-shaped; missed ones become deals once, answered ones do not; click-to-call goes to the simulator, whose
 * customers answer by the last digit of their number. Settings: the demo profile (calls any time, a short ladder).
 */
class SimPbxEndToEndTest {

  static SimPbx pbx;
  static TestApp t;
  static final AtomicInteger NUMBERS = new AtomicInteger(1_000);

  @BeforeAll
  static void start() throws Exception {
    pbx = SimPbx.start(SimPbx.Options.defaults("crm", "sim-secret-1").shape(Shape.MIXED)
        .extensions(List.of("101", "102")).timing(Duration.ofMillis(300), Duration.ofMillis(300)));
    t = TestApp.start(Map.of("DOZVON_DEMO", "true", "DOZVON_AMI_HOST", "127.0.0.1",
        "DOZVON_AMI_PORT", String.valueOf(pbx.port()), "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "sim-secret-1",
        "DOZVON_COMPANY_CALLER_ID", "74951234567"));
    eventually("AMI connected", () -> "CONNECTED".equals(t.app.telephony().state()));
    assertThat(pbx.awaitListener(Duration.ofSeconds(10))).isTrue();
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
    if (pbx != null) {
      pbx.close();
    }
  }

  /** A fresh mobile number ending in {@code lastDigit}, as a carrier sends it. */
  static String number(int lastDigit) {
    return "+7916" + String.format("%06d", NUMBERS.incrementAndGet()) + lastDigit;
  }

  @ParameterizedTest
  @EnumSource(value = Shape.class, names = {"PJSIP", "LOCAL"})
  void aMissedCallBecomesOneDealAnAnsweredOneNone(Shape shape) {
    String missedFrom = number(7);
    String answeredFrom = number(8);

    SimPbx.SimCall missed = pbx.call(missedFrom, true, shape);
    SimPbx.SimCall answered = pbx.call(answeredFrom, false, shape);

    Row m = eventually("the missed call stored", () -> call(missed.linkedid()));
    Row a = eventually("the answered call stored", () -> call(answered.linkedid()));
    assertThat(m.getBoolean("missed")).isTrue();
    assertThat(m.getString("customer_phone")).isEqualTo(missedFrom);
    assertThat(m.getLong("deal_id")).isNotNull();
    assertThat(a.getBoolean("missed")).isFalse();
    assertThat(a.getString("customer_phone")).isEqualTo(answeredFrom);
    assertThat(a.getString("operator_ext")).isIn("101", "102");
    assertThat(a.getLong("deal_id")).isNull();
    assertThat(deals(missedFrom)).isEqualTo(1);
    assertThat(deals(answeredFrom)).isZero();
    assertThat(source(m.getLong("deal_id"))).isEqualTo("missed_call");
  }

  @Test
  void aStreamOfCallsMakesOneDealPerMissedNumberAlsoAcrossAReconnect() throws Exception {
    CallStream first = CallStream.start(pbx, new CallStream.Plan(40, 0.5, Duration.ofSeconds(1), 7));
    assertThat(first.await(Duration.ofSeconds(10))).isTrue();
    assertThat(first.calls()).isEqualTo(40);
    assertThat(first.missedNumbers()).isNotEmpty().hasSizeLessThan(40);
    eventually("every call ended", () -> pbx.liveChannels() == 0);
    awaitDeals(first.missedNumbers());
    // the PBX drops us: Dozvon reconnects and resyncs (CoreShowChannels, QueueStatus, the phone lists), nothing doubles
    pbx.dropClients();
    eventually("reconnected", () -> pbx.listeningClients() > 0 && "CONNECTED".equals(t.app.telephony().state()));
    CallStream second = CallStream.start(pbx, new CallStream.Plan(20, 0.5, Duration.ofSeconds(1), 8));
    assertThat(second.await(Duration.ofSeconds(10))).isTrue();
    eventually("every call ended", () -> pbx.liveChannels() == 0);
    awaitDeals(second.missedNumbers());
    List<String> all = new java.util.ArrayList<>(first.missedNumbers());
    all.addAll(second.missedNumbers());
    String[] phones = all.stream().map(SimPbxEndToEndTest::e164).toArray(String[]::new);
    long total = sql("SELECT count(*) FROM deals d JOIN contacts c ON c.id = d.contact_id WHERE c.phone = ANY($1)",
        Tuple.of((Object) phones)).iterator().next().getLong(0);
    assertThat(total).as("one deal per missed number").isEqualTo(all.size());
    long missedCalls = sql("SELECT count(*) FROM calls WHERE missed AND customer_phone = ANY($1)",
        Tuple.of((Object) phones)).iterator().next().getLong(0);
    assertThat(missedCalls).as("each missed call stored once").isEqualTo(all.size());
  }

  static void awaitDeals(List<String> numbers) {
    for (String n : numbers) {
      eventually("a deal for " + n, () -> deals(e164(n)) > 0);
    }
  }

  static String e164(String n) {
    return "+7" + n.substring(n.length() - 10);
  }

  @ParameterizedTest(name = "number ending in {0}: {1}")
  @CsvSource(textBlock = """
      0, REACHED,     ANSWERED
      1, NO_ANSWER,   NO_ANSWER
      2, BUSY,        BUSY
      3, UNAVAILABLE, UNAVAILABLE
      4, UNAVAILABLE, UNAVAILABLE
      """)
  void clickToCallAnsweredByTheNumbersLastDigit(int digit, String attemptOutcome, String callOutcome) {
    String ext = "101";
    JsonObject op = operator(ext);
    String phone = number(digit);
    SimPbx.SimCall missed = pbx.call(phone, true, Shape.PJSIP);
    long deal = eventually("the deal", () -> call(missed.linkedid())).getLong("deal_id");
    var assign = TestApp.await(t.post("/api/deals/" + deal + "/assign", TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("managerId", op.getLong("id")).put("reason", "test")));
    assertThat(assign.statusCode()).as(assign.bodyAsString()).isEqualTo(200);
    eventually("attempt 1 due", () -> attempt(deal, "FIRED"));
    eventually("the phone free", () -> "NOT_INUSE".equals(pbx.deviceState("PJSIP/" + ext))
        && !t.app.telephony().placedCalls().busy(ext) ? true : null);
    long before = pbx.originates();

    var r = TestApp.await(t.post("/api/deals/" + deal + "/call", op.getString("token")).send());

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    long attemptId = r.bodyAsJsonObject().getJsonObject("attempt").getLong("id");
    Row done = eventually("attempt done", () -> {
      RowSet<Row> rows = sql("SELECT * FROM attempts WHERE id = $1 AND state = 'DONE'", Tuple.of(attemptId));
      return rows.size() == 0 ? null : rows.iterator().next();
    });
    assertThat(done.getString("outcome")).isEqualTo(attemptOutcome);
    assertThat(pbx.originates()).isEqualTo(before + 1);
    Row call = eventually("the outbound call", () -> {
      RowSet<Row> rows = sql("SELECT * FROM calls WHERE attempt_id = $1", Tuple.of(attemptId));
      return rows.size() == 0 ? null : rows.iterator().next();
    });
    assertThat(call.getString("direction")).isEqualTo("OUTBOUND");
    assertThat(call.getString("outcome")).isEqualTo(callOutcome);
    assertThat(call.getString("operator_ext")).isEqualTo(ext);
    assertThat(call.getLong("deal_id")).isEqualTo(deal);
    eventually("the phone free again", () -> !t.app.telephony().placedCalls().busy(ext) ? true : null);
  }

  @Test
  void anOriginateToAPhoneNotRegisteredFailsAsAsteriskDoes() {
    JsonObject op = operator("109"); // no such phone on the simulated PBX
    String phone = number(0);
    SimPbx.SimCall missed = pbx.call(phone, true, Shape.PJSIP);
    long deal = eventually("the deal", () -> call(missed.linkedid())).getLong("deal_id");
    TestApp.await(t.post("/api/deals/" + deal + "/assign", TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("managerId", op.getLong("id")).put("reason", "test")));
    eventually("attempt 1 due", () -> attempt(deal, "FIRED"));

    var r = TestApp.await(t.post("/api/deals/" + deal + "/call", op.getString("token")).send());

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    long attemptId = r.bodyAsJsonObject().getJsonObject("attempt").getLong("id");
    eventually("call.failed in the history", () -> sql("SELECT 1 FROM deal_history WHERE deal_id = $1 "
        + "AND kind = 'call_failed'", Tuple.of(deal)).size() > 0 ? true : null);
    Row a = sql("SELECT * FROM attempts WHERE id = $1", Tuple.of(attemptId)).iterator().next();
    assertThat(a.getString("outcome")).as("the operator's side failed: the attempt stays open").isNull();
  }

  static final Map<String, JsonObject> OPERATORS = new java.util.concurrent.ConcurrentHashMap<>();

  static JsonObject operator(String ext) {
    return OPERATORS.computeIfAbsent(ext, e -> t.createManager("Оператор " + e, e, 1000));
  }

  static Boolean attempt(long deal, String state) {
    return sql("SELECT 1 FROM attempts WHERE deal_id = $1 AND no = 1 AND state = $2", Tuple.of(deal, state)).size() > 0
        ? true : null;
  }

  static Row call(String linkedid) {
    RowSet<Row> rows = sql("SELECT * FROM calls WHERE pbx_call_id = $1", Tuple.of(linkedid));
    assertThat(rows.size()).as("one row per PBX call").isLessThanOrEqualTo(1);
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  static long deals(String phone) {
    return sql("SELECT count(*) FROM deals d JOIN contacts c ON c.id = d.contact_id WHERE c.phone = $1",
        Tuple.of(phone)).iterator().next().getLong(0);
  }

  static String source(long deal) {
    return sql("SELECT source FROM deals WHERE id = $1", Tuple.of(deal)).iterator().next().getString(0);
  }

  static RowSet<Row> sql(String q, Tuple args) {
    try {
      return t.app.pool().preparedQuery(q).execute(args).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T eventually(String what, Supplier<T> value) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      T v = value.get();
      if (v != null && !Boolean.FALSE.equals(v)) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
