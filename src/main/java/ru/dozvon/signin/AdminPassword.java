package ru.dozvon.signin;

import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import ru.dozvon.web.SessionStore;

/**
 * Makes sure the built-in admin can sign in as {@code admin}. With {@code DOZVON_ADMIN_PASSWORD}, a value not applied
 * before becomes the admin's password (and the admin's sessions end); the same value as at the last start leaves the
 * stored password alone, so one the admin changed since through {@code POST /api/me/password} stays. Without it, a
 * password is generated at the first start only and shown once; one set later stays.
 */
public final class AdminPassword {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private AdminPassword() {
  }

  /** The password generated now, to be shown once; empty when none was made. */
  public static Future<Optional<String>> ensure(PgCredentials credentials, Passwords passwords,
                                               Optional<String> configured, Clock clock) {
    return credentials.adminRow().compose(stored -> {
      if (configured.isPresent()) {
        String pw = configured.get();
        if (stored.isPresent() && stored.get().configuredHash() != null) {
          // Applied before: only a new value replaces the stored password.
          return passwords.verify(pw, stored.get().configuredHash()).compose(same -> same
              ? Future.succeededFuture(Optional.<String>empty()) : apply(credentials, passwords, pw, clock));
        }
        // Never applied (or applied before this was recorded): the same as the stored password counts as applied.
        Future<Boolean> same = stored.isPresent() ? passwords.verify(pw, stored.get().passwordHash())
            : Future.succeededFuture(false);
        return same.compose(s -> s
            ? PgCredentials.setConfiguredHash(credentials.pool(), stored.get().passwordHash())
                .map(Optional.<String>empty())
            : apply(credentials, passwords, pw, clock));
      }
      if (stored.isPresent()) {
        // The variable is gone: the stored password stays; setting it again (any value) will apply it.
        return stored.get().configuredHash() == null ? Future.succeededFuture(Optional.<String>empty())
            : PgCredentials.setConfiguredHash(credentials.pool(), null).map(Optional.<String>empty());
      }
      String generated = generate();
      // Two instances starting at once: the first insert wins, and only its password is shown.
      return passwords.hash(generated).compose(h -> credentials.pool().preparedQuery(
              "INSERT INTO admin_credentials (id, password_hash, source, updated_at) VALUES (1, $1, 'generated', $2) "
                  + "ON CONFLICT (id) DO NOTHING")
          .execute(io.vertx.sqlclient.Tuple.of(h, clock.instant().atOffset(java.time.ZoneOffset.UTC))))
          .map(r -> r.rowCount() > 0 ? Optional.of(generated) : Optional.<String>empty());
    });
  }

  /** Makes the configured value the admin's password and ends the admin's sessions. */
  private static Future<Optional<String>> apply(PgCredentials credentials, Passwords passwords, String pw,
                                                Clock clock) {
    return passwords.hash(pw).compose(h -> credentials.pool().withTransaction(tx ->
            PgCredentials.setPassword(tx, null, h, "DOZVON_ADMIN_PASSWORD", clock.instant())
                .compose(x -> PgCredentials.setConfiguredHash(tx, h))
                .compose(x -> SessionStore.endOthers(tx, null, null))))
        .map(Optional.<String>empty());
  }

  /** 20 characters from an alphabet without look-alikes (about 116 bits). */
  static String generate() {
    StringBuilder b = new StringBuilder(20);
    for (int i = 0; i < 20; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
