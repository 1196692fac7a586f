package ru.dozvon.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

/**
 * Run in a child JVM by the crash tests: opens the embedded database in the folder given through
 * our real {@link Database}, commits rows 1..n (one transaction each) into {@code crash_probe},
 * prints {@code READY} and waits to be killed.
 */
public final class CommitAndWait {

  private CommitAndWait() {
  }

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    int rows = Integer.parseInt(args[1]);
    Database db = Database.embedded(dataDir, 0);
    try (Connection c = DriverManager.getConnection(db.url().jdbcUrl(), db.url().user(), db.url().password())) {
      c.createStatement().execute("CREATE TABLE crash_probe (id int PRIMARY KEY, note text NOT NULL)");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO crash_probe VALUES (?, ?)")) {
        for (int i = 1; i <= rows; i++) {
          insert.setInt(1, i);
          insert.setString(2, "committed before the kill");
          insert.executeUpdate(); // autocommit: each row is committed (and flushed) on return
        }
      }
      System.out.println("READY " + rows);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
