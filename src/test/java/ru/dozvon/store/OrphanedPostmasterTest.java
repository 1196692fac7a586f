package ru.dozvon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.store.OrphanedPostmaster.Outcome;

/**
 * What the start does with a pid file left in the data folder: a dead PID is left to PostgreSQL
 * (which copes), one reused by another program is removed and nobody signalled; garbage is removed
 * when no postgres serves the folder; without /proc it is left alone; a postgres of another folder
 * is never touched; a folder in use is refused. Stopping a real orphan: {@code
 * ru.dozvon.KilledServiceRestartTest}, {@link OrphanEscalationTest}.
 */
class OrphanedPostmasterTest {

  @TempDir
  Path dataDir;

  private final OrphanedPostmaster onThisMachine = OrphanedPostmaster.onThisMachine();

  @Test
  void aFolderWithoutPidFileNeedsNothing() throws Exception {
    assertThat(onThisMachine.clear(dataDir).outcome()).isEqualTo(Outcome.NOTHING_FOUND);
  }

  @Test
  void aPidFileOfAProcessThatIsGoneIsLeftToPostgres() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor(10, TimeUnit.SECONDS);
    writePidFile(exited.pid());

    var result = onThisMachine.clear(dataDir);

    assertThat(result.outcome()).isEqualTo(Outcome.STALE_LEFT_TO_POSTGRES);
    assertThat(result.detail()).contains("pid " + exited.pid(), "no such process");
    assertThat(dataDir.resolve("postmaster.pid")).exists();
  }

  @Test
  void aLiveProcessThatIsNotPostgresIsNeverSignalled() throws Exception {
    // the PID was reused: by this very JVM, or by any other program
    writePidFile(ProcessHandle.current().pid());
    var result = onThisMachine.clear(dataDir);
    assertThat(result.outcome()).isEqualTo(Outcome.STALE_REMOVED);
    assertThat(result.detail()).contains("not postgres");
    assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();

    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      writePidFile(sleeper.pid());
      assertThat(onThisMachine.clear(dataDir).detail()).contains("/sleep, not postgres");
      assertThat(sleeper.waitFor(300, TimeUnit.MILLISECONDS)).as("sleep was not signalled").isFalse();
      assertThat(sleeper.isAlive()).isTrue();
    } finally {
      sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void garbageIsStaleWhenNoPostgresServesTheFolder() throws Exception {
    for (String garbage : new String[] {"", "not a pid\n"}) {
      Files.writeString(dataDir.resolve("postmaster.pid"), garbage);
      var result = onThisMachine.clear(dataDir);
      assertThat(result.outcome()).isEqualTo(Outcome.STALE_REMOVED);
      assertThat(result.detail()).contains("postmaster.pid", "no postgres serves " + dataDir);
      assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
    }
  }

  @Test
  void withoutProcThePidFileIsLeftToPostgres() throws Exception {
    var noProc = new OrphanedPostmaster(new PostgresProcesses(dataDir.resolve("no-proc-here")), Duration.ofSeconds(1));
    writePidFile(ProcessHandle.current().pid());
    var result = noProc.clear(dataDir);
    assertThat(result.outcome()).isEqualTo(Outcome.LEFT_ALONE);
    assertThat(result.detail()).contains("names pid " + ProcessHandle.current().pid(), "no " + dataDir.resolve("no-proc-here"));
    assertThat(dataDir.resolve("postmaster.pid")).exists();

    Files.writeString(dataDir.resolve("postmaster.pid"), "garbage\n");
    assertThat(noProc.clear(dataDir).outcome()).isEqualTo(Outcome.LEFT_ALONE);
    assertThat(dataDir.resolve("postmaster.pid")).exists();
  }

  @Test
  void aPostgresServingAnotherFolderIsNeverTouchedAndAFolderInUseIsRefused(@TempDir Path otherDir) throws Exception {
    try (Database other = Database.embedded(otherDir, 0)) {
      long otherPostmaster = PostmasterPidFile.read(otherDir).orElseThrow().pid();
      // our folder's pid file names it (a copied folder, or a PID reused by another embedded server)
      writePidFile(otherPostmaster);

      var result = onThisMachine.clear(dataDir);

      assertThat(result.outcome()).isEqualTo(Outcome.STALE_REMOVED);
      assertThat(result.detail()).contains("a postgres serving " + otherDir.toRealPath() + ", not this folder");
      assertThat(selectOne(other)).isEqualTo(1);
      assertThat(ProcessHandle.of(otherPostmaster).map(ProcessHandle::isAlive)).contains(true);

      // its own folder, while it runs: refused before anything is looked at
      assertThatThrownBy(() -> Database.embedded(otherDir, 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("data folder " + otherDir + " is in use: this process runs its embedded PostgreSQL already");
      assertThat(selectOne(other)).isEqualTo(1);
    }
  }

  @Test
  void theEmbeddedServerStartsOverAStalePidFile() throws Exception {
    String written;
    try (Database db = Database.embedded(dataDir, 0)) {
      written = Files.readString(dataDir.resolve("postmaster.pid")); // with the shared memory key
    }
    String rest = written.substring(written.indexOf('\n'));
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor(10, TimeUnit.SECONDS);
    // a dead PID: PostgreSQL clears it; the PID reused by another program: we do
    for (long pid : new long[] {exited.pid(), ProcessHandle.current().pid()}) {
      Files.writeString(dataDir.resolve("postmaster.pid"), pid + rest);
      try (Database db = Database.embedded(dataDir, 0)) {
        assertThat(selectOne(db)).isEqualTo(1);
        assertThat(PostmasterPidFile.read(dataDir).orElseThrow().pid()).isNotEqualTo(pid);
      }
    }
  }

  private void writePidFile(long pid) throws Exception {
    Files.writeString(dataDir.resolve("postmaster.pid"),
        pid + "\n" + dataDir + "\n1796173000\n5432\n/tmp\nlocalhost\n  2146420        38\nready   \n");
  }

  private static int selectOne(Database db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url().jdbcUrl(), db.url().user(), db.url().password());
         ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
