package ru.dozvon.managers;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.SpeedToLead;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.notify.WebhookGuard;
import ru.dozvon.web.TokenStore;

/**
 * What {@code /api/managers} shows beyond the manager row: speed-to-lead over the last 90 days
 * (median first-contact time, and the share of deals first reached within 20 min among those
 * reached or already older than 20 min), and the manager's outgoing webhook, which is set here too.
 */
public final class ManagerFigures {

  private static final Duration WINDOW = Duration.ofDays(90);
  /** Days of talk time shown per manager, today included. */
  private static final int DAYS_SHOWN = 7;

  private final Pool pool;
  private final Clock clock;
  private final WebhookGuard guard;

  private final java.time.ZoneId zone;
  private final Duration talkLimit;

  /** @param guard which hosts a webhook may call */
  public ManagerFigures(Pool pool, Clock clock, WebhookGuard guard) {
    this(pool, clock, guard, java.time.ZoneId.of("Europe/Moscow"), Duration.ofHours(3));
  }

  /**
   * @param zone the company zone: talk time is counted per local day there
   * @param talkLimit talk time per day above which a manager is flagged (seed 001: 3 hours is the human maximum)
   */
  public ManagerFigures(Pool pool, Clock clock, WebhookGuard guard, java.time.ZoneId zone, Duration talkLimit) {
    this.pool = pool;
    this.clock = clock;
    this.guard = guard;
    this.zone = zone;
    this.talkLimit = talkLimit;
  }

  /** Per manager id: {@code {"webhookUrl", "speedToLead": {"medianSeconds", "withinIdealShare", "reached", "deals"}}}. */
  public Future<Map<Long, JsonObject>> all() {
    return Future.all(speedAndWebhook(), talkToday()).map(x -> {
      Map<Long, JsonObject> out = x.resultAt(0);
      Map<Long, Map<java.time.LocalDate, Long>> talk = x.resultAt(1);
      java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(), zone);
      out.forEach((id, json) -> {
        Map<java.time.LocalDate, Long> days = talk.getOrDefault(id, Map.of());
        long seconds = days.getOrDefault(today, 0L);
        io.vertx.core.json.JsonArray week = new io.vertx.core.json.JsonArray();
        for (int i = DAYS_SHOWN - 1; i >= 0; i--) {
          long s = days.getOrDefault(today.minusDays(i), 0L);
          week.add(new JsonObject().put("day", today.minusDays(i).toString()).put("talkSeconds", s)
              .put("overLimit", s > talkLimit.toSeconds()));
        }
        json.put("talkSecondsToday", seconds).put("talkOverLimit", seconds > talkLimit.toSeconds())
            .put("talkByDay", week);
      });
      return out;
    });
  }

  /**
   * Seconds each manager talked per local day of the company zone over the last {@link #DAYS_SHOWN} days, from the
   * calls their extension took or placed; a call counts on the day it ended. No table keeps it: calls are the record.
   */
  private Future<Map<Long, Map<java.time.LocalDate, Long>>> talkToday() {
    var now = clock.instant();
    var today = java.time.LocalDate.ofInstant(now, zone);
    var from = today.minusDays(DAYS_SHOWN - 1).atStartOfDay(zone).toInstant();
    var to = today.plusDays(1).atStartOfDay(zone).toInstant();
    return pool.preparedQuery("""
            SELECT m.id, (c.ended_at AT TIME ZONE $3)::date AS day, coalesce(sum(c.talk_seconds), 0) AS talk
            FROM managers m JOIN calls c ON c.operator_ext = m.extension AND c.ended_at >= $1 AND c.ended_at < $2
            GROUP BY m.id, day""")
        .execute(Tuple.of(Sql.ts(from), Sql.ts(to), zone.getId()))
        .map(rows -> {
          Map<Long, Map<java.time.LocalDate, Long>> out = new HashMap<>();
          rows.forEach(r -> out.computeIfAbsent(r.getLong("id"), k -> new HashMap<>())
              .put(r.getLocalDate("day"), r.getLong("talk")));
          return out;
        });
  }

  private Future<Map<Long, JsonObject>> speedAndWebhook() {
    var now = clock.instant();
    return pool.preparedQuery("""
            SELECT m.id, m.webhook_url,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.first_contact_at - d.arrived_at))
                     FILTER (WHERE d.first_contact_at IS NOT NULL) AS median_s,
                   count(d.id) FILTER (WHERE d.first_contact_at IS NOT NULL) AS reached,
                   count(d.id) FILTER (WHERE d.first_contact_at IS NOT NULL OR d.arrived_at <= $2) AS counted,
                   count(d.id) FILTER (WHERE d.first_contact_at IS NOT NULL
                                         AND d.first_contact_at - d.arrived_at <= make_interval(secs => $3)) AS ideal
            FROM managers m LEFT JOIN deals d ON d.manager_id = m.id AND d.arrived_at > $1
            GROUP BY m.id""")
        .execute(Tuple.of(Sql.ts(now.minus(WINDOW)), Sql.ts(now.minus(SpeedToLead.IDEAL_MAX)),
            (double) SpeedToLead.IDEAL_MAX.toSeconds()))
        .map(rows -> {
          Map<Long, JsonObject> out = new HashMap<>();
          rows.forEach(r -> {
            long counted = r.getLong("counted");
            Double median = r.getDouble("median_s");
            out.put(r.getLong("id"), new JsonObject().put("webhookUrl", r.getString("webhook_url"))
                .put("speedToLead", new JsonObject()
                    .put("medianSeconds", median == null ? null : Math.round(median))
                    .put("withinIdealShare", counted == 0 ? null : (double) r.getLong("ideal") / counted)
                    .put("reached", r.getLong("reached"))
                    .put("counted", counted)));
          });
          return out;
        });
  }

  /**
   * Checks a {@code webhookUrl} value: null/blank removes the webhook; otherwise an http(s) URL whose host the
   * webhook policy allows, judged on its text and then on every address its name resolves to (looked up off
   * the event loop). A name that does not resolve now is accepted: nothing can be told of it yet, and every
   * delivery checks it again.
   */
  public Future<Optional<String>> checkUrl(Object raw) {
    Optional<URI> uri = parseUrl(raw);
    if (uri.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return guard.destination(uri.get()).map(address -> Optional.of(uri.get().toString())).recover(e -> {
      if (e instanceof WebhookGuard.Refused refused) {
        return Future.failedFuture(new InvalidInput("webhookUrl", refused.getMessage()));
      }
      return e instanceof UnknownHostException ? Future.succeededFuture(Optional.of(uri.get().toString()))
          : Future.failedFuture(e);
    });
  }

  private static Optional<URI> parseUrl(Object raw) {
    if (raw == null || raw instanceof String s && s.isBlank()) {
      return Optional.empty();
    }
    if (!(raw instanceof String s) || s.length() > 500) {
      throw new InvalidInput("webhookUrl", "must be an http(s) URL of at most 500 characters");
    }
    try {
      URI uri = new URI(s.strip());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new InvalidInput("webhookUrl", "must be an http(s) URL such as https://bot.example.ru/dozvon");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw new InvalidInput("webhookUrl", "is not a valid URL");
    }
  }

  /**
   * Sets or removes the webhook. A new URL gets a new signing secret, returned once (like a token).
   *
   * @return the new secret, empty when the webhook was removed
   */
  public Future<Optional<String>> setWebhook(long managerId, Optional<String> url) {
    Optional<String> secret = url.map(u -> "whs_" + TokenStore.newToken().substring(3));
    return pool.preparedQuery("UPDATE managers SET webhook_url = $2, webhook_secret = $3, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(managerId, url.orElse(null), secret.orElse(null)))
        .map(secret);
  }
}
