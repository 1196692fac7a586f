package ru.dozvon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.TestDatabase;

/** BEGIN pipelined with the first statement: commits, rolls back on any failure, leaves no open transaction. */
class TransactionsTest {

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    // one connection: whatever a transaction leaves on it, the next user of the pool would see
    pool = Database.external(TestDatabase.fresh()).pool(vertx, 1);
    await(pool.query("CREATE TABLE tx_probe (id int PRIMARY KEY, n int NOT NULL)").execute());
  }

  @AfterAll
  static void stop() {
    await(pool.close());
    await(vertx.close());
  }

  @BeforeEach
  void clean() {
    await(pool.query("TRUNCATE tx_probe").execute());
    await(pool.query("INSERT INTO tx_probe VALUES (1, 0)").execute());
  }

  @Test
  void theWorkOfBothStepsIsCommittedAndTheResultIsTheSecondStepsOwn() {
    String out = await(Transactions.withTransaction(pool,
        tx -> tx.preparedQuery("SELECT n FROM tx_probe WHERE id = $1 FOR UPDATE").execute(Tuple.of(1))
            .map(rows -> rows.iterator().next().getInteger("n")),
        (tx, n) -> tx.preparedQuery("UPDATE tx_probe SET n = $1 WHERE id = 1").execute(Tuple.of(n + 5))
            .map(r -> "was " + n)));
    assertThat(out).isEqualTo("was 0");
    assertThat(n()).isEqualTo(5);
  }

  @Test
  void theFirstStepRunsInsideTheTransaction() {
    // both steps see the same transaction id: the first statement did not run on its own before BEGIN
    long[] ids = new long[2];
    await(Transactions.withTransaction(pool,
        tx -> tx.query("SELECT txid_current() AS t").execute().map(r -> r.iterator().next().getLong("t")),
        (tx, first) -> tx.query("SELECT txid_current() AS t").execute().map(r -> {
          ids[0] = first;
          ids[1] = r.iterator().next().getLong("t");
          return null;
        })));
    assertThat(ids[0]).isEqualTo(ids[1]);
  }

  @Test
  void aFailingSecondStepRollsBackTheFirstStepsWrite() {
    Future<Object> f = Transactions.withTransaction(pool,
        tx -> tx.query("UPDATE tx_probe SET n = 7 WHERE id = 1").execute(),
        (tx, r) -> {
          throw new IllegalStateException("a rule refused it");
        });
    assertThatThrownBy(() -> await(f)).hasRootCauseMessage("a rule refused it");
    assertThat(n()).isZero();
    assertNoTransactionLeftOpen();
  }

  @Test
  void aFailingFirstStepFailsWithItsOwnErrorAndTheSecondNeverRuns() {
    boolean[] ran = {false};
    Future<Object> f = Transactions.withTransaction(pool,
        tx -> tx.query("SELECT no_such_column FROM tx_probe").execute(),
        (tx, r) -> {
          ran[0] = true;
          return Future.succeededFuture();
        });
    assertThatThrownBy(() -> await(f)).hasMessageContaining("no_such_column");
    assertThat(ran[0]).isFalse();
    assertNoTransactionLeftOpen();
  }

  @Test
  void theFirstStepsRowLockIsHeldUntilTheCommit() throws Exception {
    // a second transaction locking the same row waits for the first to commit, and then reads its write
    var firstHolds = new java.util.concurrent.CompletableFuture<Void>();
    var release = new java.util.concurrent.CompletableFuture<Void>();
    Pool two = Database.external(TestDatabase.fresh()).pool(vertx, 2);
    try {
      await(two.query("CREATE TABLE tx_probe (id int PRIMARY KEY, n int NOT NULL)").execute());
      await(two.query("INSERT INTO tx_probe VALUES (1, 0)").execute());
      Future<Void> first = Transactions.withTransaction(two,
          tx -> tx.query("SELECT n FROM tx_probe WHERE id = 1 FOR UPDATE").execute(),
          (tx, r) -> tx.query("UPDATE tx_probe SET n = 1 WHERE id = 1").execute().compose(x -> {
            firstHolds.complete(null);
            return Future.fromCompletionStage(release);
          }));
      firstHolds.get(10, TimeUnit.SECONDS);
      Future<Integer> second = Transactions.withTransaction(two,
          tx -> tx.query("SELECT n FROM tx_probe WHERE id = 1 FOR UPDATE").execute()
              .map(r -> r.iterator().next().getInteger("n")),
          (tx, n) -> Future.succeededFuture(n));
      // the second stays blocked on the row lock while the first is open
      assertThatThrownBy(() -> second.toCompletionStage().toCompletableFuture().get(300, TimeUnit.MILLISECONDS))
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      release.complete(null);
      await(first);
      assertThat(await(second)).isEqualTo(1);
    } finally {
      await(two.close());
    }
  }

  private static void assertNoTransactionLeftOpen() {
    // with the one connection back in the pool: a write through it is visible from elsewhere at once (committed)
    await(pool.query("UPDATE tx_probe SET n = 42 WHERE id = 1").execute());
    Row state = await(pool.query("SELECT count(*) AS c FROM pg_stat_activity WHERE datname = current_database()"
        + " AND state LIKE 'idle in transaction%'").execute()).iterator().next();
    assertThat(state.getLong("c")).isZero();
    assertThat(n()).isEqualTo(42);
  }

  private static int n() {
    return await(pool.query("SELECT n FROM tx_probe WHERE id = 1").execute()).iterator().next().getInteger("n");
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
