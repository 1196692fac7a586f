package ru.dozvon.deals;

import ru.dozvon.support.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import ru.dozvon.support.TestApp;

/** The real app on a settable clock, with helpers to make deals and act on them over HTTP. */
public final class FunnelFixture implements AutoCloseable {

  private static final AtomicInteger PHONES = new AtomicInteger(1000000);

  public final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T09:00:00Z"));
  public final TestApp t;

  public FunnelFixture(Map<String, String> env) {
    var all = new java.util.HashMap<>(env);
    all.put("DOZVON_CONFIG", "src/test/resources/funnel-test.yaml");
    t = TestApp.start(all, clock);
  }

  public FunnelFixture() {
    this(Map.of());
  }

  /** A fresh Russian mobile number no other test uses. */
  public static String newPhone() {
    return "+7916" + PHONES.incrementAndGet();
  }

  /** A new deal by a manual lead, owned by {@code managerId} (null: unassigned), arriving now. */
  public long newDeal(Long managerId) {
    var r = await(t.post("/api/leads", ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("source", "manual").put("phone", newPhone())));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    long id = r.bodyAsJsonObject().getLong("id");
    if (managerId != null) {
      sql("UPDATE deals SET manager_id = $2 WHERE id = $1", id, managerId);
    }
    return id;
  }

  /** An empty floor: nobody on shift, no open deal (what an earlier test left is closed out of the queue). */
  public void emptyFloor() {
    sql("UPDATE managers SET state = 'OFF'");
    sql("UPDATE deals SET status = 'INVALID', closed_at = now() WHERE status = 'OPEN'");
    sql("DELETE FROM routing_pending");
  }

  public void sql(String sql, Object... args) {
    try {
      t.app.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> query(String sql, Object... args) {
    try {
      return t.app.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code n} outbound calls on the deal: attempts to reach the customer. */
  public void outboundCalls(long dealId, int n) {
    for (int i = 0; i < n; i++) {
      sql("""
          INSERT INTO calls (pbx_call_id, direction, outcome, missed, customer_phone, deal_id, started_at, ended_at)
          VALUES ($1, 'OUTBOUND', 'NO_ANSWER', false, NULL, $2, now(), now())""",
          "out-" + dealId + "-" + i + "-" + System.nanoTime(), dealId);
    }
  }

  public HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    return await(t.post(path, token).sendJsonObject(body));
  }

  public JsonObject deal(long id) {
    var r = await(t.get("/api/deals/" + id, ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  public FunnelJobs.Result tick() {
    try {
      return t.app.funnelJobs().tick().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    t.close();
  }
}
