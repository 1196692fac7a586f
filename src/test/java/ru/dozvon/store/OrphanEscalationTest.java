package ru.dozvon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.support.ChildJvm;

/**
 * The harsh end of stopping an orphan: a fast shutdown that does not finish in time is escalated to
 * an immediate one (SIGQUIT: no checkpoint, so the next start runs crash recovery), and its children
 * are waited for; still nothing committed before the JVM was killed is lost.
 */
class OrphanEscalationTest {

  @TempDir
  Path work;

  private ChildJvm child;

  @Test
  void anOrphanThatMustBeStoppedAtOnceLosesNothingCommitted() throws Exception {
    Path dataDir = work.resolve("data");
    child = ChildJvm.start("orphan-maker", CommitAndWait.class, Map.of(), work, dataDir.toString(), "200");
    child.awaitLine(Pattern.compile("^READY 200$"), Duration.ofSeconds(60));
    List<ProcessHandle> postmasters = ChildJvm.postmastersServing(dataDir);
    assertThat(postmasters).hasSize(1);
    ProcessHandle orphan = postmasters.get(0);
    List<ProcessHandle> itsChildren = orphan.children().toList();
    assertThat(itsChildren).isNotEmpty();

    child.process.destroyForcibly(); // SIGKILL
    assertThat(child.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(orphan.isAlive()).as("the orphaned postmaster").isTrue();

    var noPatience = new OrphanedPostmaster(new PostgresProcesses(Path.of("/proc")), Duration.ZERO);
    var result = noPatience.clear(dataDir.toAbsolutePath());

    assertThat(result.outcome()).isEqualTo(OrphanedPostmaster.Outcome.ORPHAN_STOPPED);
    assertThat(result.detail()).startsWith("found orphaned embedded PostgreSQL pid " + orphan.pid())
        .contains("immediate shutdown");
    // exited, though perhaps not yet reaped by init (ProcessHandle counts a zombie as alive)
    orphan.onExit().get(5, TimeUnit.SECONDS);
    for (ProcessHandle p : itsChildren) {
      p.onExit().get(5, TimeUnit.SECONDS);
    }

    try (Database db = Database.embedded(dataDir, 0);
         Connection c = DriverManager.getConnection(db.url().jdbcUrl(), db.url().user(), db.url().password());
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*), min(id), max(id) FROM crash_probe")) {
      rs.next();
      assertThat(List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3))).containsExactly(200, 1, 200);
    }
    assertThat(ChildJvm.postmastersServing(dataDir)).isEmpty();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (child != null) {
      child.close();
    }
    ChildJvm.killAllServing(work.resolve("data"));
  }
}
