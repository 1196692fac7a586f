package ru.dozvon.telephony.cdr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import ru.dozvon.store.DbUrl;

/** A real CDR table in a real PostgreSQL, written as cdr_pgsql writes it (UTC timestamps, epoch when unanswered). */
final class CdrTable {

  private final DbUrl db;
  private final String table;

  private CdrTable(DbUrl db, String table) {
    this.db = db;
    this.table = table;
  }

  /** Creates the table with the deployment's own script (docker/postgres/cdr.sql), in schema asterisk or public. */
  static CdrTable create(DbUrl db, boolean asteriskSchema) {
    try {
      String sql = Files.readString(Path.of("docker/postgres/cdr.sql"));
      if (!asteriskSchema) {
        sql = sql.replace("CREATE SCHEMA IF NOT EXISTS asterisk;", "").replace("asterisk.cdr", "cdr");
      }
      try (Connection c = connect(db)) {
        c.createStatement().execute(sql);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new CdrTable(db, asteriskSchema ? "asterisk.cdr" : "cdr");
  }

  static Connection connect(DbUrl db) throws java.sql.SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  void insert(CdrRow... rows) {
    String sql = "INSERT INTO " + table + " (accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, "
        + "lastdata, start, answer, \"end\", duration, billsec, disposition, amaflags, userfield, uniqueid, linkedid, "
        + "peeraccount, sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = connect(db); PreparedStatement s = c.prepareStatement(sql)) {
      for (CdrRow r : rows) {
        int i = 1;
        s.setString(i++, r.accountcode() == null ? "" : r.accountcode());
        s.setString(i++, r.src());
        s.setString(i++, r.dst());
        s.setString(i++, r.dcontext());
        s.setString(i++, r.clid());
        s.setString(i++, r.channel());
        s.setString(i++, r.dstchannel() == null ? "" : r.dstchannel()); // cdr_pgsql writes '' for no party B
        s.setString(i++, r.lastapp());
        s.setString(i++, r.lastdata() == null ? "" : r.lastdata());
        s.setObject(i++, utc(r.start()));
        s.setObject(i++, utc(r.answer() == null ? Instant.EPOCH : r.answer())); // the epoch: never answered
        s.setObject(i++, utc(r.end()));
        s.setInt(i++, r.duration());
        s.setInt(i++, r.billsec());
        s.setString(i++, r.disposition());
        s.setString(i++, "DOCUMENTATION");
        s.setString(i++, "");
        s.setString(i++, r.uniqueid());
        s.setString(i++, r.linkedid());
        s.setString(i++, "");
        if (r.sequence() == null) {
          s.setNull(i, Types.INTEGER);
        } else {
          s.setInt(i, r.sequence());
        }
        s.addBatch();
      }
      s.executeBatch();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static LocalDateTime utc(Instant at) {
    return LocalDateTime.ofInstant(at, ZoneOffset.UTC);
  }

  /** The same call moved in time and given other ids (a new call of the same shape). */
  static CdrRow[] moved(CdrRow[] rows, Duration by, String idSuffix) {
    CdrRow[] out = new CdrRow[rows.length];
    for (int i = 0; i < rows.length; i++) {
      CdrRow r = rows[i];
      out[i] = new CdrRow(r.start().plus(by), r.answer() == null ? null : r.answer().plus(by), r.end().plus(by),
          r.src(), r.dst(), r.dcontext(), r.clid(), r.channel(), r.dstchannel(), r.lastapp(), r.lastdata(),
          r.duration(), r.billsec(), r.disposition(), r.amaflags(), r.accountcode(), r.uniqueid() + idSuffix,
          r.userfield(), r.peeraccount(), r.linkedid() + idSuffix, r.sequence());
    }
    return out;
  }
}
