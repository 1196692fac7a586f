package ru.dozvon.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Bearer tokens, stored only as SHA-256 hashes: a stolen database does not log anyone in.
 * A token is shown once, when it is issued. Every request looks its token up in the database (no cache), so
 * a token revoked, or one of a manager deactivated, fails the very next request.
 */
public final class TokenStore {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public TokenStore(Pool pool) {
    this.pool = pool;
  }

  /** A new random token, {@code dz_} and 43 base64url characters. */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "dz_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The caller behind a token, if it is known, not revoked, and not a deactivated manager's. */
  public Future<Optional<Principal>> find(String token) {
    return pool.preparedQuery("""
            SELECT t.role, t.manager_id FROM api_tokens t LEFT JOIN managers m ON m.id = t.manager_id
            WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.manager_id IS NULL OR m.active)""")
        .execute(Tuple.of(Buffer.buffer(hash(token))))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          var row = rows.iterator().next();
          return Optional.of(new Principal(Role.fromDb(row.getString("role")), row.getLong("manager_id")));
        });
  }

  /**
   * Which of these tokens (by their SHA-256) are live now, with the caller each stands for (as {@link #find}): by
   * the hash in hex. A token revoked, or of a manager deactivated, is missing.
   */
  public Future<java.util.Map<String, Principal>> live(java.util.List<byte[]> hashes) {
    if (hashes.isEmpty()) {
      return Future.succeededFuture(java.util.Map.of());
    }
    java.util.HexFormat hex = java.util.HexFormat.of();
    String[] keys = hashes.stream().map(hex::formatHex).distinct().toArray(String[]::new);
    return pool.preparedQuery("""
            SELECT encode(t.token_hash, 'hex') AS k, t.role, t.manager_id
            FROM api_tokens t LEFT JOIN managers m ON m.id = t.manager_id
            WHERE t.token_hash IN (SELECT decode(k, 'hex') FROM unnest($1::text[]) AS k)
              AND t.revoked_at IS NULL AND (t.manager_id IS NULL OR m.active)""")
        .execute(Tuple.of(keys))
        .map(rows -> {
          java.util.Map<String, Principal> out = new java.util.HashMap<>();
          rows.forEach(r -> out.put(r.getString("k"),
              new Principal(Role.fromDb(r.getString("role")), r.getLong("manager_id"))));
          return out;
        });
  }

  /** Stores a token for a manager (in the caller's transaction) and returns the plain token. */
  public static Future<String> issue(SqlClient tx, Role role, long managerId, String label) {
    String token = newToken();
    return tx.preparedQuery("INSERT INTO api_tokens (token_hash, role, manager_id, label) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(Buffer.buffer(hash(token)), role.dbName(), managerId, label))
        .map(token);
  }

  /**
   * Revokes every live token of a manager (in the caller's transaction); they fail from the next request on.
   *
   * @return how many were revoked
   */
  public static Future<Integer> revokeAll(SqlClient tx, long managerId) {
    return tx.preparedQuery("UPDATE api_tokens SET revoked_at = now() WHERE manager_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(managerId))
        .compose(rows -> told(tx, rows.rowCount()));
  }

  /**
   * Tells every instance, at the commit of the caller's work, that tokens changed: the live streams opened with them
   * are checked at once ({@link SessionWatch}, on the channel of ended sessions), not only at the next periodic check.
   */
  private static Future<Integer> told(SqlClient tx, int changed) {
    return changed == 0 ? Future.succeededFuture(0)
        : tx.query("NOTIFY " + SessionStore.ENDED_CHANNEL).execute().map(changed);
  }

  /**
   * Gives a manager's live tokens their new role (in the caller's transaction): a token keeps working, with the
   * rights of the role the manager has now.
   */
  public static Future<Integer> setRole(SqlClient tx, long managerId, Role role) {
    return tx.preparedQuery("UPDATE api_tokens SET role = $2 WHERE manager_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(managerId, role.dbName()))
        .compose(rows -> told(tx, rows.rowCount()));
  }

  /** Revokes a manager's tokens and issues a new one, in the caller's transaction; returns the plain token. */
  public static Future<String> reissue(SqlClient tx, Role role, long managerId, String label) {
    return revokeAll(tx, managerId).compose(n -> issue(tx, role, managerId, label));
  }

  /**
   * Makes sure the built-in admin can log in. With a configured token, that token (and no older
   * admin token) is valid. Without one, a token is generated on the first start only.
   *
   * @return the generated token when one was made now, to be shown once
   */
  public Future<Optional<String>> ensureAdmin(Optional<String> configured) {
    return pool.withTransaction(tx -> {
      if (configured.isPresent()) {
        Buffer h = Buffer.buffer(hash(configured.get()));
        return tx.preparedQuery("UPDATE api_tokens SET revoked_at = now() "
                + "WHERE role = 'admin' AND revoked_at IS NULL AND token_hash <> $1")
            .execute(Tuple.of(h))
            .compose(r -> tx.preparedQuery("INSERT INTO api_tokens (token_hash, role, label) VALUES ($1, 'admin', "
                    + "'DOZVON_ADMIN_TOKEN') ON CONFLICT (token_hash) DO UPDATE SET revoked_at = NULL")
                .execute(Tuple.of(h)))
            .map(Optional.<String>empty());
      }
      return tx.query("SELECT count(*) FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL").execute()
          .compose(rows -> {
            if (rows.iterator().next().getLong(0) > 0) {
              return Future.succeededFuture(Optional.<String>empty());
            }
            String token = newToken();
            return tx.preparedQuery("INSERT INTO api_tokens (token_hash, role, label) VALUES ($1, 'admin', 'generated')")
                .execute(Tuple.of(Buffer.buffer(hash(token))))
                .map(Optional.of(token));
          });
    });
  }
}
