package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.AmiMessage;
import ru.dozvon.telephony.testami.OriginatePlan;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * The real service with its PBX link to a test AMI server that answers every Originate like Asterisk 22 (a click-to-call
 * transcript rewritten for it), a clock the test moves (Tue 1 Dec 2026 11:00 Moscow: calling hours), and the live feed
 * recorded. Operators and deals are made through the API; each deal's attempt 1 is fired by the app's own scheduler.
 */
final class C2cFixture implements AutoCloseable {

  static final Instant TUESDAY_11 = Flow.msk("2026-12-01T11:00");
  private static final AtomicInteger NUMBERS = new AtomicInteger(1000);
  private static final AtomicInteger EXTENSIONS = new AtomicInteger(300);

  final TestAmiServer pbx;
  final TestApp t;
  final MovableClock clock = new MovableClock(TUESDAY_11);
  final List<FeedEvent> feed = new CopyOnWriteArrayList<>();
  volatile Function<AmiMessage, OriginatePlan> plan = m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami");

  /** An operator: id, extension, token. */
  record Operator(long id, String extension, String token) {
  }

  C2cFixture(Map<String, String> env, String yaml) {
    pbx = TestAmiServer.start("crm", "pbx-secret-1");
    pbx.originatePlans(m -> plan.apply(m));
    Map<String, String> all = new HashMap<>(Map.of("DOZVON_AMI_HOST", "127.0.0.1",
        "DOZVON_AMI_PORT", String.valueOf(pbx.port()), "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1",
        "DOZVON_COMPANY_CALLER_ID", "74951234567"));
    if (yaml != null) {
      all.put("DOZVON_CONFIG", write(yaml).toString());
    }
    all.putAll(env);
    t = TestApp.start(all, clock);
    t.app.feed().subscribe(feed::add);
    Flow.eventually(t, () -> t.app.telephony().state(), "CONNECTED"::equals);
  }

  C2cFixture() {
    this(Map.of(), null);
  }

  private static Path write(String yaml) {
    try {
      Path f = Files.createTempFile("dozvon-c2c", ".yaml");
      Files.writeString(f, yaml);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String newPhone() {
    return "+7916" + String.format("%07d", NUMBERS.incrementAndGet());
  }

  Operator operator() {
    String ext = String.valueOf(EXTENSIONS.incrementAndGet());
    JsonObject m = t.createManager("Оператор " + ext, ext, 1000);
    return new Operator(m.getLong("id"), ext, m.getString("token"));
  }

  void onShift(Operator o, boolean autoDial) {
    var r = TestApp.await(t.patch("/api/managers/" + o.id(), TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("state", "ON_SHIFT").put("autoDial", autoDial)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  /** A missed call from a new number makes the deal; it is given to {@code o}; its attempt 1 has fired. */
  long dealFor(Operator o) {
    return dealFor(o, newPhone());
  }

  long dealFor(Operator o, String phone) {
    var rec = Flow.missed(t, phone, clock.instant());
    long dealId = rec.dealId();
    await(t.settleRouting());
    var r = TestApp.await(t.post("/api/deals/" + dealId + "/assign", TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("managerId", o.id()).put("reason", "test")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    Flow.awaitFired(t, dealId, 1);
    return dealId;
  }

  HttpResponse<Buffer> click(long dealId, String token) {
    return TestApp.await(t.post("/api/deals/" + dealId + "/call", token).send());
  }

  HttpResponse<Buffer> click(long dealId, String token, JsonObject body) {
    return TestApp.await(t.post("/api/deals/" + dealId + "/call", token).sendJsonObject(body));
  }

  /** The attempt row, by id. */
  Row attempt(long attemptId) {
    return Flow.sql(t, "SELECT * FROM attempts WHERE id = $1", attemptId).iterator().next();
  }

  String attemptState(long attemptId) {
    return attempt(attemptId).getString("state");
  }

  /** Waits for the attempt to reach a state. */
  Row awaitAttempt(long attemptId, String state) {
    Flow.eventually(t, () -> attemptState(attemptId), state::equals);
    return attempt(attemptId);
  }

  /** The call rows Dozvon stored for an attempt. */
  List<Row> callsOf(long attemptId) {
    List<Row> rows = new java.util.ArrayList<>();
    Flow.sql(t, "SELECT * FROM calls WHERE attempt_id = $1 ORDER BY id", attemptId).forEach(rows::add);
    return rows;
  }

  List<FeedEvent> feed(String type, long dealId) {
    return feed.stream().filter(e -> e.type().equals(type) && e.dealId() != null && e.dealId() == dealId).toList();
  }

  long originates() {
    return pbx.countActions("Originate");
  }

  /** Waits until the PBX link has no call of ours in flight on this phone. */
  void awaitIdle(Operator o) {
    Flow.eventually(t, () -> t.app.telephony().placedCalls().busy(o.extension()), busy -> !busy);
  }

  static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    t.close();
    pbx.close();
  }
}
