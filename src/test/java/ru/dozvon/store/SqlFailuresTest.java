package ru.dozvon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.store.SqlFailures.Kind.PERMANENT;
import static ru.dozvon.store.SqlFailures.Kind.TRANSIENT;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.TransactionRollbackException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Which failed writes are worth retrying for ever, and which are poison. */
class SqlFailuresTest {

  @ParameterizedTest(name = "{0} {2}")
  @CsvSource(delimiter = '|', textBlock = """
      08000 | TRANSIENT | connection_exception
      08003 | TRANSIENT | connection_does_not_exist
      08006 | TRANSIENT | connection_failure
      08001 | TRANSIENT | sqlclient_unable_to_establish_sqlconnection
      08P01 | TRANSIENT | protocol_violation (a torn connection)
      57P01 | TRANSIENT | admin_shutdown
      57P02 | TRANSIENT | crash_shutdown
      57P03 | TRANSIENT | cannot_connect_now (starting up)
      57P05 | TRANSIENT | idle_session_timeout
      57014 | TRANSIENT | query_canceled, statement_timeout
      53000 | TRANSIENT | insufficient_resources
      53100 | TRANSIENT | disk_full
      53200 | TRANSIENT | out_of_memory
      53300 | TRANSIENT | too_many_connections
      58030 | TRANSIENT | io_error
      40001 | TRANSIENT | serialization_failure
      40P01 | TRANSIENT | deadlock_detected
      40003 | TRANSIENT | statement_completion_unknown
      55P03 | TRANSIENT | lock_not_available
      25006 | TRANSIENT | read_only_sql_transaction (a standby after a fail-over)
      23505 | PERMANENT | unique_violation (attempts_deal_id_no_key from a bug)
      23514 | PERMANENT | check_violation
      23502 | PERMANENT | not_null_violation
      23503 | PERMANENT | foreign_key_violation
      23P01 | PERMANENT | exclusion_violation
      22021 | PERMANENT | character_not_in_repertoire (a NUL byte in text)
      22P05 | PERMANENT | untranslatable_character (\\u0000 in JSONB)
      22001 | PERMANENT | string_data_right_truncation
      22003 | PERMANENT | numeric_value_out_of_range
      22007 | PERMANENT | invalid_datetime_format
      22P02 | PERMANENT | invalid_text_representation
      42601 | PERMANENT | syntax_error
      42703 | PERMANENT | undefined_column
      42P01 | PERMANENT | undefined_table
      42804 | PERMANENT | datatype_mismatch
      40002 | PERMANENT | transaction_integrity_constraint_violation (deferred)
      57P04 | PERMANENT | database_dropped
      55000 | PERMANENT | object_not_in_prerequisite_state
      P0001 | PERMANENT | raise_exception (a trigger refused it)
      XX000 | PERMANENT | internal_error
      XX001 | PERMANENT | data_corrupted
      0A000 | PERMANENT | feature_not_supported
      """)
  void bySqlState(String state, SqlFailures.Kind kind, String name) {
    assertThat(SqlFailures.ofSqlState(state)).as(name).isEqualTo(kind);
    PgException pg = new PgException("refused", "ERROR", state, null);
    assertThat(SqlFailures.kind(pg)).as("as a PgException: " + name).isEqualTo(kind);
    assertThat(SqlFailures.sqlState(pg)).isEqualTo(state);
  }

  static Stream<Arguments> failures() {
    PgException check = new PgException("new row for relation \"calls\" violates check constraint", "ERROR", "23514",
        "Failing row contains (...)");
    return Stream.of(
        Arguments.of("closed connection", ClosedConnectionException.INSTANCE, TRANSIENT),
        Arguments.of("pool wait timeout", new NoStackTraceTimeoutException("Timeout"), TRANSIENT),
        Arguments.of("NoStackTraceThrowable", new NoStackTraceThrowable("Connection pool reached max wait queue size"),
            TRANSIENT),
        Arguments.of("VertxException", new VertxException("Connection is closed", true), TRANSIENT),
        Arguments.of("connection refused", new ConnectException("Connection refused"), TRANSIENT),
        Arguments.of("io exception", new IOException("Broken pipe"), TRANSIENT),
        Arguments.of("future timeout", new TimeoutException(), TRANSIENT),
        Arguments.of("transaction rolled back", TransactionRollbackException.INSTANCE, TRANSIENT),
        Arguments.of("concurrently stored (a race)", new IllegalStateException("call 1.0 was stored concurrently"),
            TRANSIENT),
        Arguments.of("a PgException", check, PERMANENT),
        Arguments.of("a PgException inside a wrapper", new RuntimeException("group failed", check), PERMANENT),
        Arguments.of("a transient PgException inside a wrapper",
            new RuntimeException(new PgException("terminating connection", "FATAL", "57P01", null)), TRANSIENT),
        Arguments.of("a PgException without SQLSTATE", new PgException("odd", "ERROR", null, null), TRANSIENT),
        Arguments.of("a bug: null pointer", new NullPointerException("customer"), PERMANENT),
        Arguments.of("a bug: bad argument", new IllegalArgumentException("No enum constant"), PERMANENT),
        Arguments.of("a bug inside a wrapper", new RuntimeException(new ClassCastException()), PERMANENT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void byFailure(String what, Throwable failure, SqlFailures.Kind kind) {
    assertThat(SqlFailures.kind(failure)).as(what).isEqualTo(kind);
    assertThat(SqlFailures.permanent(failure)).isEqualTo(kind == PERMANENT);
  }

  @Test
  void describesTheDatabasesMessageWithItsDetail() {
    PgException pg = new PgException("value too long for type character varying(5)", "ERROR", "22001",
        "Failing row contains (x)");
    assertThat(SqlFailures.describe(new RuntimeException("wrapped", pg)))
        .contains("value too long for type character varying(5)").contains("Failing row contains (x)");
    assertThat(SqlFailures.describe(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
    assertThat(SqlFailures.sqlState(new IOException("x"))).isNull();
  }
}
