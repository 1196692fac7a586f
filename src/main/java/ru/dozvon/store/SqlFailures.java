package ru.dozvon.store;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.DatabaseException;
import java.time.DateTimeException;
import java.util.NoSuchElementException;

/**
 * Tells a failed database write that may succeed later (the database is away, busy, or lost a race) from one
 * that never will (the database refuses this data, or our statement is wrong), by the failure's SQLSTATE.
 * A caller that keeps retrying must retry only the first kind for ever; the second is a poison that blocks
 * whatever waits behind it.
 */
public final class SqlFailures {

  /** Whether retrying the same write can ever help. */
  public enum Kind {
    /** The database is down, restarting, overloaded, or a lock or snapshot conflicted: try again later. */
    TRANSIENT,
    /** The database refused this very write (constraint, bad value, a bug in the statement): it will again. */
    PERMANENT
  }

  private SqlFailures() {
  }

  /**
   * The kind of a failure: by the SQLSTATE of the first database error in its cause chain; without one, a
   * failure of the connection or pool (closed, refused, timed out) is transient, and the JDK's programming
   * errors (null pointer, bad argument, bad cast...) are permanent, as deterministic as a statement PostgreSQL
   * refuses.
   */
  public static Kind kind(Throwable failure) {
    String state = sqlState(failure);
    if (state != null) {
      return ofSqlState(state);
    }
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (programmingError(c)) {
        return Kind.PERMANENT;
      }
    }
    return Kind.TRANSIENT;
  }

  public static boolean permanent(Throwable failure) {
    return kind(failure) == Kind.PERMANENT;
  }

  /**
   * The kind of a SQLSTATE (PostgreSQL's appendix A). Transient: connection exceptions (class 08), insufficient
   * resources (53: disk full, out of memory, too many connections), the server's own I/O trouble (58), the
   * server shutting down or not yet accepting (57P01 to 57P03, 57P05 idle session timeout), a cancelled or
   * timed-out statement (57014), serialization failures and deadlocks (40001, 40P01, 40003 completion
   * unknown), a lock not available (55P03), and a read-only transaction (25006: a standby after a fail-over).
   * Everything else is permanent: integrity constraints (23), data exceptions (22), syntax or undefined
   * objects (42: a bug), a trigger's RAISE (P0001), and any state not listed.
   */
  public static Kind ofSqlState(String state) {
    if (state == null || state.length() != 5) {
      return Kind.PERMANENT;
    }
    String cls = state.substring(0, 2);
    if (cls.equals("08") || cls.equals("53") || cls.equals("58")) {
      return Kind.TRANSIENT;
    }
    return switch (state) {
      case "57P01", "57P02", "57P03", "57P05", "57014", "40001", "40P01", "40003", "55P03", "25006" -> Kind.TRANSIENT;
      default -> Kind.PERMANENT;
    };
  }

  /** The SQLSTATE of the first database error in the cause chain, or null when none carries one. */
  public static String sqlState(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof DatabaseException db && db.getSqlState() != null && !db.getSqlState().isBlank()) {
        return db.getSqlState();
      }
    }
    return null;
  }

  /** One line for a log or a row: the database's message and detail, or the failure's text. */
  public static String describe(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof PgException pg) {
        String detail = pg.getDetail();
        return detail == null || detail.isBlank() ? pg.getMessage() : pg.getMessage() + "; " + detail;
      }
    }
    return failure.getMessage() == null ? failure.toString() : failure.getMessage();
  }

  private static boolean programmingError(Throwable t) {
    return t instanceof NullPointerException || t instanceof ClassCastException
        || t instanceof IllegalArgumentException || t instanceof IndexOutOfBoundsException
        || t instanceof NoSuchElementException || t instanceof ArithmeticException
        || t instanceof DateTimeException || t instanceof UnsupportedOperationException;
  }
}
