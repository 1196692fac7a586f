package ru.dozvon.signin;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.web.SessionStore;

/**
 * Signing a person in with login and password: the lock-out first (a locked login is refused before any hash is
 * checked), then the password against the stored hash, or against a decoy for an unknown login, a manager with no
 * password or a deactivated one, so every wrong answer takes the same time and says the same thing.
 */
public final class SignIn {

  private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);

  /** What an attempt came to. */
  public sealed interface Outcome permits SignedIn, Invalid, Locked {
  }

  public record SignedIn(PgCredentials.Account account, SessionStore.Begun session) implements Outcome {
  }

  public record Invalid() implements Outcome {
  }

  /**
   * The login is locked: refused without checking the password.
   *
   * @param retryAfterSeconds whole seconds until it unlocks (at least 1)
   * @param until when it unlocks
   */
  public record Locked(long retryAfterSeconds, Instant until) implements Outcome {
    static Locked of(Lockout lock, Instant now) {
      return new Locked(lock.retryAfterSeconds(now), lock.lockedUntil());
    }

    /** The 429 answer's body: {@code error}, {@code detail}, {@code retryAfterSeconds}, {@code lockedUntil}. */
    public io.vertx.core.json.JsonObject toJson() {
      return new io.vertx.core.json.JsonObject().put("error", "account_locked")
          .put("detail", "too many wrong passwords; try again in " + retryAfterSeconds + " s")
          .put("retryAfterSeconds", retryAfterSeconds).put("lockedUntil", until.toString());
    }
  }

  private final PgCredentials credentials;
  private final Passwords passwords;
  private final SessionStore sessions;
  private final Clock clock;

  public SignIn(PgCredentials credentials, Passwords passwords, SessionStore sessions, Clock clock) {
    this.credentials = credentials;
    this.passwords = passwords;
    this.sessions = sessions;
    this.clock = clock;
  }

  public Future<Outcome> attempt(String login, String password) {
    String key = PasswordRules.key(login);
    return credentials.lockout(key).compose(lock -> {
      Instant now = clock.instant();
      if (lock.lockedAt(now)) {
        return Future.succeededFuture(Locked.of(lock, now));
      }
      return credentials.byLogin(login).compose(found -> {
        Optional<PgCredentials.Account> usable = found.filter(PgCredentials.Account::active);
        String hash = usable.map(PgCredentials.Account::passwordHash).orElse(null);
        return passwords.verify(password, hash).compose(ok -> ok
            ? succeeded(key, usable.get())
            : failed(key, found.isPresent()));
      });
    });
  }

  /** Checks a signed-in person's current password, with the same lock-out as signing in (a stolen session). */
  public Future<Outcome> check(PgCredentials.Account account, String password) {
    String key = account.login() == null ? "manager:" + account.managerId() : PasswordRules.key(account.login());
    return credentials.lockout(key).compose(lock -> {
      Instant now = clock.instant();
      if (lock.lockedAt(now)) {
        return Future.succeededFuture(Locked.of(lock, now));
      }
      return passwords.verify(password, account.passwordHash()).compose(ok -> ok
          ? credentials.clearUnlessLocked(key, clock.instant()).map(l -> l.lockedAt(clock.instant())
              ? (Outcome) Locked.of(l, clock.instant()) : new SignedIn(account, null))
          : failed(key, true));
    });
  }

  private Future<Outcome> succeeded(String key, PgCredentials.Account account) {
    Instant now = clock.instant();
    return credentials.clearUnlessLocked(key, now).compose(lock -> {
      if (lock.lockedAt(now)) {
        return Future.succeededFuture(Locked.of(lock, now));
      }
      return sessions.begin(account.role(), account.managerId()).map(s -> (Outcome) new SignedIn(account, s));
    });
  }

  private Future<Outcome> failed(String key, boolean known) {
    Instant now = clock.instant();
    return credentials.recordFailure(key, now).map(lock -> {
      if (lock.lockedAt(now)) {
        LOG.warn("Sign-in locked for {} after repeated wrong passwords (lock {}, {} s)", known ? "a login" : "an unknown login",
            lock.locks(), lock.retryAfterSeconds(now));
        return Locked.of(lock, now);
      }
      return new Invalid();
    });
  }
}
