package ru.dozvon.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.intake.WebhookSignature;

/**
 * Delivers the {@link Outbox} at least once. Each run claims due messages with
 * {@code FOR UPDATE SKIP LOCKED} (so several instances never take the same one) and pushes their
 * retry time a lease ahead, so a crash mid-delivery retries rather than loses; then POSTs each as
 * JSON signed like inbound webhooks ({@link WebhookSignature}, with the manager's secret). A failure
 * is kept in {@code last_error} and retried after 5 s, 10 s, 20 s ... up to 1 h between tries.
 */
public final class OutboxDrainer {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxDrainer.class);
  private static final int BATCH = 20;
  private static final Duration LEASE = Duration.ofMinutes(2);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  private static final Duration MAX_RETRY = Duration.ofHours(1);

  private final Pool pool;
  private final HttpClient http;
  private final Clock clock;
  private boolean running;

  public OutboxDrainer(Vertx vertx, Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000).setIdleTimeout(10));
  }

  /** The wait before try number {@code attempts + 1}: doubling from 5 s, at most 1 h. */
  public static Duration backoff(int attempts) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 20);
    Duration d = FIRST_RETRY.multipliedBy(1L << doublings);
    return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
  }

  public long start(Vertx vertx, Duration every) {
    return vertx.setPeriodic(every.toMillis(), id -> {
      if (running) {
        return;
      }
      running = true;
      drain().onComplete(r -> {
        running = false;
        if (r.failed()) {
          LOG.warn("Outbox run failed: {}", r.cause().getMessage());
        }
      });
    });
  }

  /** One run; the number of messages delivered. */
  public Future<Integer> drain() {
    Instant now = clock.instant();
    return pool.preparedQuery("""
            UPDATE outbox o SET attempts = o.attempts + 1, next_try_at = $2
            FROM (SELECT id FROM outbox WHERE delivered_at IS NULL AND next_try_at <= $1
                  ORDER BY next_try_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
            WHERE o.id = due.id
            RETURNING o.id, o.target_url, o.payload, o.attempts,
                      (SELECT webhook_secret FROM managers m WHERE m.id = o.manager_id) AS secret""")
        .execute(Tuple.of(PgDealStore.ts(now), PgDealStore.ts(now.plus(LEASE)), BATCH))
        .compose(rows -> {
          List<Future<Boolean>> sent = new ArrayList<>();
          rows.forEach(r -> sent.add(deliver(r, now)));
          return Future.join(sent).transform(x -> {
            int n = 0;
            for (Future<Boolean> f : sent) {
              n += f.succeeded() && f.result() ? 1 : 0;
            }
            return Future.succeededFuture(n);
          });
        });
  }

  private Future<Boolean> deliver(Row r, Instant now) {
    long id = r.getLong("id");
    int attempts = r.getInteger("attempts");
    Buffer body = Buffer.buffer(r.getJsonObject("payload").encode());
    String secret = r.getString("secret");
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(r.getString("target_url"))
        .setTimeout(10_000).putHeader("Content-Type", "application/json")
        .putHeader("X-Dozvon-Delivery", String.valueOf(id));
    long ts = now.getEpochSecond();
    if (secret != null) {
      options.putHeader(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(ts))
          .putHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, ts, body.getBytes()));
    }
    return http.request(options)
        .compose(req -> req.send(body))
        .compose(res -> res.body().map(b -> {
          if (res.statusCode() / 100 != 2) {
            throw new IllegalStateException("HTTP " + res.statusCode());
          }
          return res.statusCode();
        }))
        .compose(status -> pool.preparedQuery("UPDATE outbox SET delivered_at = $2, last_error = NULL WHERE id = $1")
            .execute(Tuple.of(id, PgDealStore.ts(clock.instant()))).map(true))
        .recover(err -> {
          String error = String.valueOf(err.getMessage());
          Instant next = clock.instant().plus(backoff(attempts));
          LOG.warn("Outbox message {} not delivered (try {}): {}; next try at {}", id, attempts, error, next);
          return pool.preparedQuery("UPDATE outbox SET next_try_at = $2, last_error = $3 WHERE id = $1")
              .execute(Tuple.of(id, PgDealStore.ts(next), error.length() > 500 ? error.substring(0, 500) : error))
              .map(false);
        });
  }
}
