package ru.dozvon.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A transaction whose first statement travels with its BEGIN: {@code Pool.withTransaction} waits for BEGIN's answer
 * before the function may send anything, one round trip more than the work needs. Here BEGIN and the first statement
 * are written together (the PostgreSQL client pipelines commands on a connection) and the rest of the work starts
 * once both have answered. On any failure the transaction is rolled back; the connection goes back to the pool
 * either way. For paths whose latency is the product (the click to the PBX's ring).
 */
public final class Transactions {

  private Transactions() {
  }

  /**
   * Runs {@code first} pipelined with BEGIN, then {@code rest} with first's result, then COMMIT; the result is
   * rest's. A failure of BEGIN, of either step or of COMMIT fails the future (after ROLLBACK where it applies).
   */
  public static <A, T> Future<T> withTransaction(Pool pool, Function<SqlConnection, Future<A>> first,
                                                 BiFunction<SqlConnection, A, Future<T>> rest) {
    return pool.getConnection().compose(conn -> {
      Future<?> begun = conn.query("BEGIN").execute();
      Future<A> a;
      try {
        a = first.apply(conn);
      } catch (RuntimeException e) {
        a = Future.failedFuture(e);
      }
      Future<A> firstDone = a;
      Future<T> work = Future.all(begun, firstDone).compose(x -> {
        try {
          return rest.apply(conn, firstDone.result());
        } catch (RuntimeException e) {
          return Future.failedFuture(e);
        }
      });
      Future<T> ended = work.transform(ar -> ar.succeeded()
          ? conn.query("COMMIT").execute().map(ar.result())
          : conn.query("ROLLBACK").execute().transform(x -> Future.<T>failedFuture(firstCause(begun, firstDone,
              ar.cause()))));
      return ended.andThen(x -> conn.close());
    });
  }

  /** BEGIN's own failure explains the rest; else the first step's; else the work's. */
  private static Throwable firstCause(Future<?> begun, Future<?> first, Throwable work) {
    if (begun.failed()) {
      return begun.cause();
    }
    if (first.failed()) {
      return first.cause();
    }
    return work;
  }
}
