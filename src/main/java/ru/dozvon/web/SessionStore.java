package ru.dozvon.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

/**
 * Browser sessions in PostgreSQL (table {@code sessions}), so they survive restarts and work across instances. The
 * cookie holds 256 random bits; only their SHA-256 is stored. A session ends after {@code idle} without a request,
 * {@code maxAge} after it began whatever the use, at logout, when its manager is deactivated (at once: the lookup
 * joins the manager), and when its person changes their password (their other sessions). Time is the injected clock.
 */
public final class SessionStore {

  public static final String COOKIE = "dozvon_session";

  /** PostgreSQL channel notified (at commit) whenever sessions are ended: streams of ended sessions close. */
  public static final String ENDED_CHANNEL = "dozvon_sessions_ended";

  private static final String NOTIFY = "NOTIFY " + ENDED_CHANNEL;

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String FIND = """
      UPDATE sessions s SET last_seen_at = GREATEST(s.last_seen_at, $2)
      WHERE s.id_hash = $1 AND s.last_seen_at > $3 AND s.created_at > $4
        AND (s.manager_id IS NULL OR EXISTS (SELECT 1 FROM managers m WHERE m.id = s.manager_id AND m.active))
      RETURNING s.manager_id, s.role, s.csrf_token, s.created_at,
        (SELECT m.role FROM managers m WHERE m.id = s.manager_id) AS manager_role""";

  private final Pool pool;
  private final Clock clock;
  private final Duration idle;
  private final Duration maxAge;
  private final java.util.List<Runnable> onEnded = new java.util.concurrent.CopyOnWriteArrayList<>();

  public SessionStore(Pool pool, Clock clock, Duration idle, Duration maxAge) {
    this.pool = pool;
    this.clock = clock;
    this.idle = idle;
    this.maxAge = maxAge;
  }

  /** A session just begun: the cookie's value (shown once, to the browser) and its CSRF token. */
  public record Begun(String cookieValue, String csrfToken, Session session) {
  }

  private static String random32() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Begins a session for the admin (managerId null) or a manager. */
  public Future<Begun> begin(Role role, Long managerId) {
    String value = random32();
    String csrf = random32();
    byte[] hash = TokenStore.hash(value);
    Instant now = clock.instant();
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO sessions (id_hash, manager_id, role, csrf_token, created_at, last_seen_at) "
            + "VALUES ($1, $2, $3, $4, $5, $5)")
        .execute(Tuple.of(Buffer.buffer(hash), managerId, role.dbName(), csrf, at))
        .map(r -> new Begun(value, csrf, new Session(hash, new Principal(role, managerId), csrf, now)));
  }

  /** The live session of a cookie value, its last use moved to now; empty when unknown, expired or ended. */
  public Future<Optional<Session>> find(String cookieValue) {
    if (cookieValue == null || cookieValue.isBlank() || cookieValue.length() > 100) {
      return Future.succeededFuture(Optional.empty());
    }
    byte[] hash = TokenStore.hash(cookieValue);
    Instant now = clock.instant();
    return pool.preparedQuery(FIND)
        .execute(Tuple.of(Buffer.buffer(hash), utc(now), utc(now.minus(idle)), utc(now.minus(maxAge))))
        .compose(rows -> {
          if (rows.size() == 0) {
            // Expired (or ended): its row, if still there, goes now rather than at the next purge.
            return pool.preparedQuery("DELETE FROM sessions WHERE id_hash = $1 AND (last_seen_at <= $2 OR created_at <= $3)")
                .execute(Tuple.of(Buffer.buffer(hash), utc(now.minus(idle)), utc(now.minus(maxAge))))
                .map(r -> Optional.<Session>empty());
          }
          Row r = rows.iterator().next();
          Long managerId = r.getLong("manager_id");
          Role role = managerId == null ? Role.ADMIN : Role.fromDb(r.getString("manager_role"));
          return Future.succeededFuture(Optional.of(new Session(hash, new Principal(role, managerId),
              r.getString("csrf_token"), r.getOffsetDateTime("created_at").toInstant())));
        });
  }

  /** Who a cookie value belongs to (for pages outside {@code /api}). */
  public Future<Optional<Principal>> principal(String cookieValue) {
    return find(cookieValue).map(s -> s.map(Session::principal));
  }

  /** Ends the session of a cookie value (logout); true if there was one. */
  public Future<Boolean> end(String cookieValue) {
    if (cookieValue == null || cookieValue.isBlank() || cookieValue.length() > 100) {
      return Future.succeededFuture(false);
    }
    return pool.preparedQuery("DELETE FROM sessions WHERE id_hash = $1")
        .execute(Tuple.of(Buffer.buffer(TokenStore.hash(cookieValue))))
        .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false)
            : notifyEnded(pool, 1).onSuccess(n -> onEnded.forEach(Runnable::run)).map(true));
  }

  /** Runs {@code hook} whenever this store ends a session (a logout here); other endings are heard by NOTIFY. */
  public void onEnded(Runnable hook) {
    onEnded.add(hook);
  }

  /** Tells every instance (LISTEN {@value #ENDED_CHANNEL}) that sessions ended, at the commit of the caller's work. */
  private static Future<Integer> notifyEnded(SqlClient client, int ended) {
    return ended == 0 ? Future.succeededFuture(0) : client.query(NOTIFY).execute().map(ended);
  }

  /**
   * Which of these sessions are live now (hex of their hashes), without moving their last use: a stream held open is
   * not a use.
   */
  public Future<java.util.Set<String>> live(java.util.List<byte[]> hashes) {
    if (hashes.isEmpty()) {
      return Future.succeededFuture(java.util.Set.of());
    }
    java.util.HexFormat hex = java.util.HexFormat.of();
    String[] keys = hashes.stream().map(hex::formatHex).distinct().toArray(String[]::new);
    Instant now = clock.instant();
    return pool.preparedQuery("""
            SELECT encode(s.id_hash, 'hex') FROM sessions s
            WHERE s.id_hash IN (SELECT decode(k, 'hex') FROM unnest($1::text[]) AS k)
              AND s.last_seen_at > $2 AND s.created_at > $3
              AND (s.manager_id IS NULL OR EXISTS (SELECT 1 FROM managers m WHERE m.id = s.manager_id AND m.active))""")
        .execute(Tuple.of(keys, utc(now.minus(idle)), utc(now.minus(maxAge))))
        .map(rows -> {
          java.util.Set<String> out = new java.util.HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** Ends every session of a manager, in the caller's transaction (deactivation, a password reset by staff). */
  public static Future<Integer> endAll(SqlClient tx, long managerId) {
    return tx.preparedQuery("DELETE FROM sessions WHERE manager_id = $1").execute(Tuple.of(managerId))
        .compose(r -> notifyEnded(tx, r.rowCount()));
  }

  /**
   * Ends the sessions of a person but one (their password changed: other browsers are signed out).
   *
   * @param managerId null for the admin
   * @param keep the hash of the session to keep; null keeps none
   */
  public static Future<Integer> endOthers(SqlClient tx, Long managerId, byte[] keep) {
    Buffer k = Buffer.buffer(keep == null ? new byte[0] : keep);
    String who = managerId == null ? "manager_id IS NULL" : "manager_id = $2";
    return tx.preparedQuery("DELETE FROM sessions WHERE " + who + " AND id_hash <> $1")
        .execute(managerId == null ? Tuple.of(k) : Tuple.of(k, managerId)).compose(r -> notifyEnded(tx, r.rowCount()));
  }

  /** Deletes sessions past their idle time or maximum age; how many. */
  public Future<Integer> purgeExpired() {
    Instant now = clock.instant();
    return pool.preparedQuery("DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2")
        .execute(Tuple.of(utc(now.minus(idle)), utc(now.minus(maxAge)))).map(r -> r.rowCount());
  }

  public Duration idle() {
    return idle;
  }

  public Duration maxAge() {
    return maxAge;
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
