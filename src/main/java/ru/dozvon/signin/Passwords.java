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

  private final WorkerExecutor workers;
  private final PasswordHasher hasher;
  private final String decoy;

  public Passwords(Vertx vertx, PasswordHasher hasher) {
    this.workers = vertx.createSharedWorkerExecutor("dozvon-passwords", THREADS);
    this.hasher = hasher;
    this.decoy = hasher.hash("decoy-" + System.nanoTime());
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
