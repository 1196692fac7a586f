package ru.dozvon.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import ru.dozvon.Main;
import ru.dozvon.store.DbUrl;
import ru.dozvon.support.ChildJvm;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * Drill: the service ({@code ru.dozvon.Main} in a child JVM, its embedded PostgreSQL in its data folder) is killed
 * with SIGKILL in the middle of a burst of missed calls from the PBX (the test AMI server, over TCP), then started
 * again. What the dead process left is read before the restart, independently of the code under test: the journal
 * segments on disk, and the calls table through the orphaned postmaster (which outlives the kill). Then the second
 * run must store every call written ahead, exactly once, the calls whose database write was in flight at the kill
 * included, and nothing else: the stored calls are exactly the first M calls of the burst (no hole), each its own
 * deal. The calls after M were sent by the PBX but not yet read by the killed process (the socket's buffer, the
 * hand-off queue): they never reached the journal; they are counted, not claimed.
 */
public final class SigkillDrill {

  private static final Pattern UP = Pattern.compile("Dozvon is up: http://localhost:(\\d+)/health");
  private static final Duration START = Duration.ofSeconds(120);

  /** What the drill saw. */
  public record Result(int sent, int journaled, int storedAtKill, int inFlightAtKill, int committedMarks,
                       long storedAfter, long distinctAfter, long deals, boolean prefix, boolean allJournaledStored,
                       boolean onlyJournaledStored, long restartMs) {
    @Override
    public String toString() {
      return String.format("SigkillDrill: killed after %d calls written ahead (of %d the PBX sent): %d stored at the"
              + " kill, %d in flight (written ahead, not stored), %d marked stored; after the restart %d stored"
              + " (distinct %d), %d deals, the first %d calls of the burst with no hole: %s; every call written"
              + " ahead stored: %s, nothing else: %s; restart to all stored %d ms", journaled, sent, storedAtKill,
          inFlightAtKill, committedMarks, storedAfter, distinctAfter, deals, storedAfter, prefix,
          allJournaledStored, onlyJournaledStored, restartMs);
    }
  }

  private SigkillDrill() {
  }

  /** Sends up to {@code calls} missed calls and kills the service once {@code killAfter} are written ahead. */
  public static Result run(int calls, int killAfter, Path work) throws Exception {
    Path dataDir = work.resolve("data");
    Path journal = dataDir.resolve("calls-journal");
    DrillCalls missed = new DrillCalls("ami/pjsip/missed.ami", 5);
    List<ChildJvm> children = new ArrayList<>();
    TestAmiServer pbx = TestAmiServer.start(DrillSupport.AMI_USER, DrillSupport.AMI_SECRET);
    try {
      Map<String, String> env = DrillSupport.env(pbx.port(), dataDir, Map.of());
      ChildJvm first = ChildJvm.start("first", Main.class, env, work);
      children.add(first);
      first.awaitLine(UP, START);
      DrillSupport.await("AMI connected", 60_000, () -> pbx.loggedInClients() == 1);

      AtomicBoolean stop = new AtomicBoolean();
      int[] sent = {0};
      Thread burst = new Thread(() -> {
        for (int k = 0; k < calls && !stop.get(); k += 10) {
          StringBuilder chunk = new StringBuilder();
          for (int i = k; i < Math.min(calls, k + 10); i++) {
            chunk.append(missed.call(i));
          }
          pbx.sendRaw(chunk.toString());
          sent[0] = Math.min(calls, k + 10);
        }
      }, "drill-burst");
      burst.setDaemon(true);
      burst.start();
      DrillSupport.await(killAfter + " calls written ahead", 300_000, () -> appended(journal).size() >= killAfter);
      first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no last commit
      first.process.waitFor(10, TimeUnit.SECONDS);
      stop.set(true);
      pbx.dropConnections();
      burst.join(10_000);
      int sentByPbx = sent[0];

      // what the killed process left, read before anything else touches it
      List<String> journaled = appended(journal);
      Set<String> marked = committed(journal);
      DbUrl orphan = orphanDb(dataDir);
      Set<String> storedAtKill = new HashSet<>(DrillSupport.strings(orphan, "SELECT pbx_call_id FROM calls"));
      Set<String> inFlight = new LinkedHashSet<>(journaled);
      inFlight.removeAll(storedAtKill);

      long t0 = System.nanoTime();
      ChildJvm second = ChildJvm.start("second", Main.class, env, work);
      children.add(second);
      second.awaitLine(UP, START);
      DbUrl db = orphanDb(dataDir);
      Set<String> expected = new LinkedHashSet<>(journaled);
      expected.addAll(storedAtKill);
      DrillSupport.await("every call written ahead stored after the restart", 180_000,
          () -> DrillSupport.count(db, "SELECT count(*) FROM calls") >= expected.size());
      long restartMs = (System.nanoTime() - t0) / 1_000_000;
      Set<String> storedAfter = new HashSet<>(DrillSupport.strings(db, "SELECT pbx_call_id FROM calls"));
      long rows = DrillSupport.count(db, "SELECT count(*) FROM calls");
      long distinct = DrillSupport.count(db, "SELECT count(DISTINCT pbx_call_id) FROM calls");
      long deals = DrillSupport.count(db, "SELECT count(DISTINCT deal_id) FROM calls WHERE deal_id IS NOT NULL");
      boolean prefix = true;
      for (int k = 0; k < storedAfter.size(); k++) {
        prefix &= storedAfter.contains(missed.linkedid(k));
      }
      second.process.destroy();
      second.process.waitFor(30, TimeUnit.SECONDS);
      return new Result(sentByPbx, journaled.size(), storedAtKill.size(), inFlight.size(), marked.size(), rows,
          distinct, deals, prefix, storedAfter.containsAll(expected), expected.containsAll(storedAfter), restartMs);
    } finally {
      for (ChildJvm c : children) {
        c.close();
      }
      ChildJvm.killAllServing(dataDir);
      pbx.close();
    }
  }

  /** The embedded database of the folder, wherever it listens now (postmaster.pid, line 4). */
  private static DbUrl orphanDb(Path dataDir) throws IOException {
    List<String> pid = Files.readAllLines(dataDir.resolve("postmaster.pid"));
    return new DbUrl("localhost", Integer.parseInt(pid.get(3).strip()), "postgres", "postgres", "");
  }

  private static final Pattern ID = Pattern.compile("^\\+\\{\"pbxCallId\":\"([^\"]+)\"");

  /** PBX call ids appended to the journal, in order, read from the segment files. */
  static List<String> appended(Path journal) {
    List<String> ids = new ArrayList<>();
    for (String line : lines(journal)) {
      Matcher m = ID.matcher(line);
      if (m.find()) {
        ids.add(m.group(1));
      }
    }
    return ids;
  }

  static Set<String> committed(Path journal) {
    Set<String> ids = new HashSet<>();
    for (String line : lines(journal)) {
      if (line.startsWith("-")) {
        ids.add(line.substring(1));
      }
    }
    return ids;
  }

  private static List<String> lines(Path journal) {
    if (!Files.isDirectory(journal)) {
      return List.of();
    }
    List<String> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(journal)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted().toList()) {
        try {
          all.addAll(Files.readAllLines(p, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.nio.charset.MalformedInputException | java.nio.file.NoSuchFileException e) {
          // a segment deleted meanwhile, or a torn multi-byte end: the next poll reads it again
        }
      }
    } catch (IOException e) {
      return all;
    }
    return all;
  }
}
