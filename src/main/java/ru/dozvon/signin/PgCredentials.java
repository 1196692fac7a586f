package ru.dozvon.signin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;

/**
 * Logins, password hashes and the lock-out state in PostgreSQL: managers' columns {@code login} and
 * {@code password_hash}, the admin's row in {@code admin_credentials}, and {@code sign_in_failures}.
 */
public final class PgCredentials {

  /** What signing in needs to know of a person. */
  public record Account(Role role, Long managerId, String login, String passwordHash, boolean active) {
    public Principal principal() {
      return new Principal(role, managerId);
    }
  }

  private final Pool pool;

  public PgCredentials(Pool pool) {
    this.pool = pool;
  }

  /** The person signing in with this login (any case); empty when no one has it. */
  public Future<Optional<Account>> byLogin(String login) {
    if (PasswordRules.key(login).equals(PasswordRules.ADMIN_LOGIN)) {
      return pool.query("SELECT password_hash FROM admin_credentials WHERE id = 1").execute()
          .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new Account(Role.ADMIN, null,
              PasswordRules.ADMIN_LOGIN, rows.iterator().next().getString(0), true)));
    }
    return pool.preparedQuery("SELECT id, role, login, password_hash, active FROM managers WHERE lower(login) = $1")
        .execute(Tuple.of(PasswordRules.key(login)))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new Account(Role.fromDb(r.getString("role")), r.getLong("id"), r.getString("login"),
              r.getString("password_hash"), r.getBoolean("active")));
        });
  }

  /** The account of a signed-in person (to check their current password); empty for a manager gone. */
  public Future<Optional<Account>> of(Principal p) {
    if (p.managerId() == null) {
      return byLogin(PasswordRules.ADMIN_LOGIN);
    }
    return pool.preparedQuery("SELECT id, role, login, password_hash, active FROM managers WHERE id = $1")
        .execute(Tuple.of(p.managerId()))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new Account(Role.fromDb(r.getString("role")), r.getLong("id"), r.getString("login"),
              r.getString("password_hash"), r.getBoolean("active")));
        });
  }

  /** {@code GET /api/me}: id, name, role, login, extension (the admin: id "admin"). */
  public Future<JsonObject> me(Principal p) {
    if (p.managerId() == null) {
      return Future.succeededFuture(new JsonObject().put("id", "admin").put("name", "Администратор")
          .put("role", "admin").put("login", PasswordRules.ADMIN_LOGIN).putNull("extension"));
    }
    return pool.preparedQuery("SELECT id, name, role, login, extension FROM managers WHERE id = $1")
        .execute(Tuple.of(p.managerId()))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
              .put("role", r.getString("role")).put("login", r.getString("login"))
              .put("extension", r.getString("extension"));
        });
  }

  /** Stores a person's new password hash in the caller's transaction (the admin's: managerId null). */
  public static Future<Void> setPassword(SqlClient tx, Long managerId, String hash, String source, Instant now) {
    if (managerId == null) {
      return tx.preparedQuery("""
              INSERT INTO admin_credentials (id, password_hash, source, updated_at) VALUES (1, $1, $2, $3)
              ON CONFLICT (id) DO UPDATE SET password_hash = EXCLUDED.password_hash, source = EXCLUDED.source,
                updated_at = EXCLUDED.updated_at""")
          .execute(Tuple.of(hash, source, utc(now))).mapEmpty();
    }
    return tx.preparedQuery("UPDATE managers SET password_hash = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(managerId, hash)).mapEmpty();
  }

  /** The admin's stored row; empty before the first start. */
  public record AdminRow(String passwordHash, String source, String configuredHash) {
  }

  /** The admin's stored hash, where it came from, and the hash of DOZVON_ADMIN_PASSWORD as last applied. */
  public Future<Optional<AdminRow>> adminRow() {
    return pool.query("SELECT password_hash, source, configured_hash FROM admin_credentials WHERE id = 1").execute()
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new AdminRow(r.getString(0), r.getString(1), r.getString(2)));
        });
  }

  /** Records the hash of DOZVON_ADMIN_PASSWORD as applied (null: none is), in the caller's transaction or pool. */
  public static Future<Void> setConfiguredHash(SqlClient tx, String hash) {
    return tx.preparedQuery("UPDATE admin_credentials SET configured_hash = $1 WHERE id = 1")
        .execute(Tuple.of(hash)).mapEmpty();
  }

  public Pool pool() {
    return pool;
  }

  // ---- lock-out ----

  /** The lock-out state of a login key. */
  public Future<Lockout> lockout(String key) {
    return pool.preparedQuery(
            "SELECT failures, locks, locked_until, last_failure_at FROM sign_in_failures WHERE login_key = $1")
        .execute(Tuple.of(key))
        .map(rows -> rows.size() == 0 ? Lockout.NONE : lockout(rows.iterator().next()));
  }

  /** Counts a wrong password for a login key at {@code now} (row-locked: parallel attempts all count). */
  public Future<Lockout> recordFailure(String key, Instant now) {
    return pool.withTransaction(tx -> tx.preparedQuery(
                "INSERT INTO sign_in_failures (login_key) VALUES ($1) ON CONFLICT (login_key) DO NOTHING")
            .execute(Tuple.of(key))
            .compose(x -> tx.preparedQuery("SELECT failures, locks, locked_until, last_failure_at FROM sign_in_failures "
                + "WHERE login_key = $1 FOR UPDATE").execute(Tuple.of(key)))
            .compose(rows -> {
              Lockout next = lockout(rows.iterator().next()).afterFailure(now);
              return tx.preparedQuery("UPDATE sign_in_failures SET failures = $2, locks = $3, locked_until = $4, "
                      + "last_failure_at = $5 WHERE login_key = $1")
                  .execute(Tuple.of(key, next.failures(), next.locks(), utc(next.lockedUntil()), utc(next.lastFailure())))
                  .map(next);
            }));
  }

  /**
   * After a right password: forgets the login's failures, unless a lock began meanwhile (parallel wrong guesses), in
   * which case the lock is returned and the sign-in must be refused.
   */
  public Future<Lockout> clearUnlessLocked(String key, Instant now) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT failures, locks, locked_until, last_failure_at "
            + "FROM sign_in_failures WHERE login_key = $1 FOR UPDATE").execute(Tuple.of(key))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Lockout.NONE);
          }
          Lockout l = lockout(rows.iterator().next());
          if (l.lockedAt(now)) {
            return Future.succeededFuture(l);
          }
          return tx.preparedQuery("DELETE FROM sign_in_failures WHERE login_key = $1").execute(Tuple.of(key))
              .map(Lockout.NONE);
        }));
  }

  /** Forgets failure runs over a day old that hold no lock now (unknown logins tried once stay no longer). */
  public Future<Integer> forgetOld(Instant now) {
    return pool.preparedQuery("DELETE FROM sign_in_failures WHERE last_failure_at < $1 "
            + "AND (locked_until IS NULL OR locked_until < $2)")
        .execute(Tuple.of(utc(now.minus(Lockout.FORGET_AFTER)), utc(now))).map(r -> r.rowCount());
  }

  private static Lockout lockout(Row r) {
    OffsetDateTime until = r.getOffsetDateTime("locked_until");
    OffsetDateTime last = r.getOffsetDateTime("last_failure_at");
    return new Lockout(r.getInteger("failures"), r.getInteger("locks"), until == null ? null : until.toInstant(),
        last == null ? null : last.toInstant());
  }

  private static OffsetDateTime utc(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }
}
