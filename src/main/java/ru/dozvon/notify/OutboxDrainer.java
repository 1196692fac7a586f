package ru.dozvon.notify;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 *
 * <p>Before each delivery the destination is checked again ({@link WebhookGuard}: the name may resolve elsewhere
 * now than when the URL was set) and the request goes to the address checked. A refused one is not sent: the
 * message is marked failed ({@code failed_at}), with the reason in {@code last_error}, and not tried again.
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
  private final WebhookGuard guard;
  private boolean running;

  public OutboxDrainer(Vertx vertx, Pool pool, Clock clock, WebhookGuard guard) {
    this.pool = pool;
    this.clock = clock;
    this.guard = guard;
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
            FROM (SELECT id FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND next_try_at <= $1
                  ORDER BY next_try_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
            WHERE o.id = due.id
            RETURNING o.id, o.target_url, o.payload, o.attempts,
                      (SELECT webhook_secret FROM managers m WHERE m.id = o.manager_id) AS secret""")
        .execute(Tuple.of(Sql.ts(now), Sql.ts(now.plus(LEASE)), BATCH))
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
    URI uri;
    try {
      uri = new URI(r.getString("target_url"));
    } catch (URISyntaxException e) {
      return refuse(id, "the webhook URL is not a valid URL");
    }
    return guard.destination(uri)
        .compose(address -> send(r, uri, address, now))
        .compose(status -> pool.preparedQuery("UPDATE outbox SET delivered_at = $2, last_error = NULL WHERE id = $1")
            .execute(Tuple.of(id, Sql.ts(clock.instant()))).map(true))
        .recover(err -> {
          if (err instanceof WebhookGuard.Refused refused) {
            return refuse(id, refused.getMessage());
          }
          String error = String.valueOf(err.getMessage());
          Instant next = clock.instant().plus(backoff(attempts));
          LOG.warn("Outbox message {} not delivered (try {}): {}; next try at {}", id, attempts, error, next);
          return pool.preparedQuery("UPDATE outbox SET next_try_at = $2, last_error = $3 WHERE id = $1")
              .execute(Tuple.of(id, Sql.ts(next), cut(error)))
              .map(false);
        });
  }

  /** POSTs the message, to {@code address} when the guard pinned one; the status code when it is 2xx. */
  private Future<Integer> send(Row r, URI uri, Optional<InetAddress> address, Instant now) {
    long id = r.getLong("id");
    Buffer body = Buffer.buffer(r.getJsonObject("payload").encode());
    String secret = r.getString("secret");
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(uri.toString())
        .setTimeout(10_000).putHeader("Content-Type", "application/json")
        .putHeader("X-Dozvon-Delivery", String.valueOf(id));
    // The host stays the URL's (Host header, TLS name check); only the connection goes to the checked address.
    address.ifPresent(a -> options.setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(a,
        uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80))));
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
        }));
  }

  /** Marks a message failed for good: its destination is refused. Nothing was sent. */
  private Future<Boolean> refuse(long id, String why) {
    String error = "not sent: " + why;
    LOG.warn("Outbox message {} refused, not tried again: {}", id, error);
    return pool.preparedQuery("UPDATE outbox SET failed_at = $2, last_error = $3 WHERE id = $1")
        .execute(Tuple.of(id, Sql.ts(clock.instant()), cut(error)))
        .map(false);
  }

  private static String cut(String error) {
    return error.length() > 500 ? error.substring(0, 500) : error;
  }
}
