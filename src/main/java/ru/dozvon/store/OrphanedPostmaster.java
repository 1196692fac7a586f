package ru.dozvon.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears the data folder of a PostgreSQL left running by a previous run, before the embedded one
 * starts there. The postmaster is not the JVM's child (pg_ctl daemonises it), so when the JVM is
 * killed with SIGKILL (the OOM killer) no shutdown hook runs and the server lives on, and a new one
 * cannot start beside it. The folder's {@code postmaster.pid} names it. It is stopped only when no
 * live process holds the folder's lock (no Dozvon runs on it) and it is certainly a postgres serving
 * this folder (a PID may have been reused since: {@link PostgresProcesses}); see
 * {@link PostmasterShutdown} for how. A pid file whose process is certainly gone is removed.
 */
final class OrphanedPostmaster {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostmaster.class);

  /** zonky's lock file in the data folder, held by the JVM running the embedded server. */
  static final String LOCK_FILE = "epg-lock";

  /** What was found in the data folder, and done. */
  enum Outcome { NOTHING_FOUND, STALE_PID_FILE_REMOVED, ORPHAN_STOPPED, LEFT_ALONE }

  record Result(Outcome outcome, String detail) {
  }

  private final PostgresProcesses processes;
  private final Duration fastShutdownTimeout;

  /** @param fastShutdownTimeout how long a fast shutdown may take before it is escalated */
  OrphanedPostmaster(PostgresProcesses processes, Duration fastShutdownTimeout) {
    this.processes = processes;
    this.fastShutdownTimeout = fastShutdownTimeout;
  }

  static OrphanedPostmaster onThisMachine() {
    return new OrphanedPostmaster(new PostgresProcesses(Path.of("/proc")), Duration.ofSeconds(30));
  }

  /**
   * Looks at {@code dataDir} (absolute) before the embedded server starts there.
   *
   * @throws IllegalStateException when a live process holds the folder (another Dozvon runs on it)
   */
  Result clear(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve(PostmasterPidFile.NAME);
    try (FileChannel held = holdLock(dataDir)) {
      if (!Files.exists(pidFile)) {
        return new Result(Outcome.NOTHING_FOUND, "no " + PostmasterPidFile.NAME);
      }
      Optional<PostmasterPidFile> read;
      try {
        read = PostmasterPidFile.read(dataDir);
      } catch (PostmasterPidFile.MalformedPidFile e) {
        return unreadable(dataDir, pidFile, e.getMessage());
      }
      if (read.isEmpty()) {
        return new Result(Outcome.NOTHING_FOUND, "no " + PostmasterPidFile.NAME);
      }
      PostmasterPidFile file = read.get();
      PostgresProcesses.Identity who = processes.identify(file.pid(), dataDir);
      return switch (who.kind()) {
        case OURS -> stop(file, dataDir, pidFile);
        case GONE, OTHER -> removeStale(pidFile, file.pid(), who.description());
        case UNKNOWN -> leaveAlone(pidFile, file.pid(), who.description());
      };
    }
  }

  /**
   * Takes the folder's lock for the time we look, or fails if a live process holds it; the caller
   * closes the channel (releasing the lock) before the server starts and takes it for good.
   */
  private static FileChannel holdLock(Path dataDir) throws IOException {
    Path lockFile = dataDir.resolve(LOCK_FILE);
    if (!Files.exists(lockFile)) {
      return null; // never run by the embedded server: a hand-started postgres at most
    }
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("data folder " + dataDir + " is in use: a running process holds its lock "
          + LOCK_FILE + " (another Dozvon on the same folder?); stop it, or set DOZVON_DATA_DIR to another folder");
    }
    return channel;
  }

  private Result stop(PostmasterPidFile file, Path dataDir, Path pidFile) throws IOException {
    long pid = file.pid();
    LOG.warn("Found orphaned embedded PostgreSQL pid {} from a previous run in {} (started {}, port {}); stopping it",
        pid, dataDir, file.startedAt().map(Object::toString).orElse("?"),
        file.port().isPresent() ? Integer.toString(file.port().getAsInt()) : "?");
    Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
    if (postmaster.isEmpty()) {
      return removeStale(pidFile, pid, "exited meanwhile");
    }
    long t0 = System.nanoTime();
    String how = new PostmasterShutdown(postmaster.get(), processes, fastShutdownTimeout).run();
    String took = String.format("%.1f s", (System.nanoTime() - t0) / 1e9);
    // a clean shutdown removed it; after SIGKILL it is left, naming a PID that may be reused
    deleteIfNaming(pidFile, pid);
    String detail = "found orphaned embedded PostgreSQL pid " + pid + " from a previous run, stopped it ("
        + how + ", " + took + ")";
    LOG.warn("{}", detail);
    return new Result(Outcome.ORPHAN_STOPPED, detail);
  }

  /** A garbage pid file (a crash while it was written): decided by looking for a server of the folder. */
  private Result unreadable(Path dataDir, Path pidFile, String why) throws IOException {
    if (!processes.available()) {
      return leaveAlone(pidFile, 0, why + "; no " + processes.root() + " to look for its server");
    }
    List<Long> servers = processes.postmastersServing(dataDir);
    if (servers.size() == 1) {
      LOG.warn("{}, yet postgres pid {} serves {}", why, servers.get(0), dataDir);
      return stop(new PostmasterPidFile(servers.get(0), Optional.of(dataDir), Optional.empty(),
          OptionalInt.empty(), Optional.empty()), dataDir, pidFile);
    }
    if (servers.size() > 1) {
      return leaveAlone(pidFile, 0, why + "; postgres pids " + servers + " all claim this folder");
    }
    Files.deleteIfExists(pidFile);
    String detail = why + "; no postgres serves " + dataDir + ", so it was removed as stale";
    LOG.warn("{}", detail);
    return new Result(Outcome.STALE_PID_FILE_REMOVED, detail);
  }

  private static Result removeStale(Path pidFile, long pid, String who) throws IOException {
    deleteIfNaming(pidFile, pid);
    String detail = "stale " + PostmasterPidFile.NAME + " from a previous run (pid " + pid + ": " + who + "), removed";
    LOG.warn("{}", detail);
    return new Result(Outcome.STALE_PID_FILE_REMOVED, detail);
  }

  private static Result leaveAlone(Path pidFile, long pid, String why) {
    String detail = pidFile + (pid > 0 ? " names pid " + pid + ", which could not be checked (" : " (")
        + why + "); left to PostgreSQL";
    LOG.warn("{}", detail);
    return new Result(Outcome.LEFT_ALONE, detail);
  }

  /** Deletes the pid file unless it has been rewritten meanwhile by another server. */
  private static void deleteIfNaming(Path pidFile, long pid) throws IOException {
    try {
      Optional<PostmasterPidFile> now = PostmasterPidFile.read(pidFile.getParent());
      if (now.isPresent() && now.get().pid() != pid) {
        return;
      }
    } catch (PostmasterPidFile.MalformedPidFile e) {
      // still the garbage we decided on
    }
    Files.deleteIfExists(pidFile);
  }
}
