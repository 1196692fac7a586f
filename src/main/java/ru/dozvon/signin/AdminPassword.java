package ru.dozvon.signin;

import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import ru.dozvon.web.SessionStore;

/**
 * Makes sure the built-in admin can sign in as {@code admin}. With {@code DOZVON_ADMIN_PASSWORD}, that password is the
 * admin's (stored as a hash at every start it differs from the stored one; the admin's sessions then end). Without it,
 * a password is generated at the first start only and shown once; one set later through {@code POST /api/me/password}
 * stays.
 */
public final class AdminPassword {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private AdminPassword() {
  }

  /** The password generated now, to be shown once; empty when none was made. */
  public static Future<Optional<String>> ensure(PgCredentials credentials, Passwords passwords,
                                               Optional<String> configured, Clock clock) {
    return credentials.adminHash().compose(stored -> {
      if (configured.isPresent()) {
        String pw = configured.get();
        Future<Boolean> same = stored.isPresent() ? passwords.verify(pw, stored.get()[0]) : Future.succeededFuture(false);
        return same.compose(s -> s ? Future.succeededFuture(Optional.<String>empty())
            : passwords.hash(pw).compose(h -> credentials.pool().withTransaction(tx ->
                PgCredentials.setPassword(tx, null, h, "DOZVON_ADMIN_PASSWORD", clock.instant())
                    .compose(x -> SessionStore.endOthers(tx, null, null))))
                .map(Optional.<String>empty()));
      }
      if (stored.isPresent()) {
        return Future.succeededFuture(Optional.<String>empty());
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

  /** 20 characters from an alphabet without look-alikes (about 116 bits). */
  static String generate() {
    StringBuilder b = new StringBuilder(20);
    for (int i = 0; i < 20; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
