package ru.dozvon.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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
 * {@link PostmasterShutdown} for how.
 *
 * <p>A pid file naming a dead process is left to PostgreSQL, which removes it itself and, through
 * the shared memory key in it, checks that no old server process is still attached and frees the
 * old segment. A pid file PostgreSQL would refuse (its PID reused by another program, or garbage) is
 * removed, but only when no postgres process at all serves the folder any more.
 */
final class OrphanedPostmaster {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostmaster.class);

  /** zonky's lock file in the data folder, held by the JVM running the embedded server. */
  static final String LOCK_FILE = "epg-lock";

  /** What was found in the data folder, and done. */
  enum Outcome { NOTHING_FOUND, STALE_LEFT_TO_POSTGRES, STALE_REMOVED, ORPHAN_STOPPED, LEFT_ALONE }

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
        case OURS -> stop(file, dataDir);
        case GONE -> stale(file.pid(), who.description());
        case OTHER -> removeStale(dataDir, pidFile, PostmasterPidFile.NAME + " from a previous run names pid "
            + file.pid() + ", now " + who.description());
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
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM holds it (Database refuses that case before we get here)
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("data folder " + dataDir + " is in use: a running process holds its lock "
          + LOCK_FILE + " (another Dozvon on the same folder?); stop it, or set DOZVON_DATA_DIR to another folder");
    }
    return channel;
  }

  private Result stop(PostmasterPidFile file, Path dataDir) {
    long pid = file.pid();
    LOG.warn("Found orphaned embedded PostgreSQL pid {} from a previous run in {} (started {}, port {}); stopping it",
        pid, dataDir, file.startedAt().map(Object::toString).orElse("?"),
        file.port().isPresent() ? Integer.toString(file.port().getAsInt()) : "?");
    Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
    if (postmaster.isEmpty()) {
      return stale(pid, "exited meanwhile");
    }
    long t0 = System.nanoTime();
    String how = new PostmasterShutdown(postmaster.get(), processes, fastShutdownTimeout).run();
    // a clean shutdown removed the pid file; one left by SIGKILL names a dead PID: PostgreSQL's to clear
    String detail = String.format("found orphaned embedded PostgreSQL pid %d from a previous run, stopped it (%s, %.1f s)",
        pid, how, (System.nanoTime() - t0) / 1e9);
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
          OptionalInt.empty(), Optional.empty()), dataDir);
    }
    if (servers.size() > 1) {
      return leaveAlone(pidFile, 0, why + "; postgres pids " + servers + " all claim this folder");
    }
    return removeStale(dataDir, pidFile, why);
  }

  private static Result stale(long pid, String why) {
    String detail = "stale " + PostmasterPidFile.NAME + " from a previous run (pid " + pid + ": " + why
        + "), left to PostgreSQL to clear";
    LOG.info("{}", detail);
    return new Result(Outcome.STALE_LEFT_TO_POSTGRES, detail);
  }

  /** Removes a pid file PostgreSQL would refuse, unless a process of an old server is still in the folder. */
  private Result removeStale(Path dataDir, Path pidFile, String why) throws IOException {
    List<Long> left = processes.serving(dataDir);
    if (!left.isEmpty()) {
      return leaveAlone(pidFile, 0, why + "; postgres processes " + left + " still serve this folder");
    }
    Files.deleteIfExists(pidFile);
    String detail = why + "; no postgres serves " + dataDir + ", so the stale file was removed";
    LOG.warn("{}", detail);
    return new Result(Outcome.STALE_REMOVED, detail);
  }

  private static Result leaveAlone(Path pidFile, long pid, String why) {
    String detail = pidFile + (pid > 0 ? " names pid " + pid + ", which could not be checked (" : " (")
        + why + "); left to PostgreSQL";
    LOG.warn("{}", detail);
    return new Result(Outcome.LEFT_ALONE, detail);
  }
}
