package ru.dozvon.signin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * Hashing and checking passwords off the event loop, on a small worker pool of its own (two threads: each hash takes
 * 19 MiB and tens of milliseconds of one core), so that neither an event loop nor the shared worker pool waits on it.
 * An unknown login is checked against a decoy hash, taking the same time as a known one.
 */
public final class Passwords {

  private static final int THREADS = 2;
  /** An Argon2id hash of a random password nobody knows, with the OWASP parameters (checking it costs the same). */
  private static final String DECOY =
      "$argon2id$v=19$m=19456,t=2,p=1$3xIEsjOfd0S+5tGq5gO1Ug$4bGcTFz1nKq0m3mE6Zr4m0yS8sQk9l2wqzJ0bYf6s1A";

  private final WorkerExecutor workers;
  private final PasswordHasher hasher;
  private final String decoy;

  public Passwords(Vertx vertx, PasswordHasher hasher) {
    this.workers = vertx.createSharedWorkerExecutor("dozvon-passwords", THREADS);
    this.hasher = hasher;
    this.decoy = hasher == PasswordHasher.OWASP ? DECOY : hasher.hash("decoy");
  }

  public Future<String> hash(String password) {
    return workers.executeBlocking(() -> hasher.hash(password), false);
  }

  /** Checks a password against a stored hash; with no hash (unknown login, no password set) the decoy is checked. */
  public Future<Boolean> verify(String password, String encoded) {
    if (encoded == null) {
      return workers.executeBlocking(() -> hasher.verify(password, decoy) && false, false);
    }
    return workers.executeBlocking(() -> hasher.verify(password, encoded), false);
  }

  public PasswordHasher hasher() {
    return hasher;
  }
}
