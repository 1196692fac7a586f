package ru.dozvon.store;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops one postmaster that is not our child: fast shutdown (SIGINT: sessions ended, a checkpoint
 * written), then, past the timeout, immediate shutdown (SIGQUIT) and last SIGKILL; then waits for
 * its children, so that the next server finds its shared memory free. Java signals only TERM and
 * KILL, so INT and QUIT go through the {@code kill} command; without it, SIGTERM (smart shutdown,
 * as quick once no client is left) stands in.
 */
final class PostmasterShutdown {

  private static final Logger LOG = LoggerFactory.getLogger(PostmasterShutdown.class);
  private static final Duration LATER_STEPS = Duration.ofSeconds(5);

  private final ProcessHandle postmaster;
  private final PostgresProcesses processes;
  private final Duration fastTimeout;

  PostmasterShutdown(ProcessHandle postmaster, PostgresProcesses processes, Duration fastTimeout) {
    this.postmaster = postmaster;
    this.processes = processes;
    this.fastTimeout = fastTimeout;
  }

  /** Stops it; says how. @throws IllegalStateException when it survives even SIGKILL */
  String run() {
    List<ProcessHandle> children = postmaster.children().toList();
    String how;
    if (signal("INT")) {
      how = "fast shutdown";
    } else {
      postmaster.destroy();
      how = "smart shutdown (SIGTERM)";
    }
    if (!exited(postmaster, fastTimeout)) {
      LOG.warn("PostgreSQL pid {} did not stop within {} s: immediate shutdown (SIGQUIT)",
          postmaster.pid(), fastTimeout.toSeconds());
      how = "immediate shutdown after " + fastTimeout.toSeconds() + " s";
      if (!signal("QUIT") || !exited(postmaster, LATER_STEPS)) {
        LOG.warn("PostgreSQL pid {} still runs: SIGKILL", postmaster.pid());
        how = "SIGKILL after " + (fastTimeout.plus(LATER_STEPS)).toSeconds() + " s";
        postmaster.destroyForcibly();
        if (!exited(postmaster, LATER_STEPS)) {
          throw new IllegalStateException("PostgreSQL pid " + postmaster.pid() + " did not exit even after SIGKILL");
        }
      }
    }
    for (ProcessHandle child : children) {
      // they leave by themselves once the postmaster is gone; a ProcessHandle never signals a reused PID
      if (!exited(child, LATER_STEPS)) {
        LOG.warn("PostgreSQL child pid {} outlived its postmaster: SIGKILL", child.pid());
        child.destroyForcibly();
        exited(child, LATER_STEPS);
      }
    }
    return how;
  }

  private boolean signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(postmaster.pid()))
          .redirectErrorStream(true).start();
      kill.getInputStream().transferTo(OutputStream.nullOutputStream());
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        return false;
      }
      return kill.exitValue() == 0;
    } catch (IOException e) {
      LOG.warn("Cannot send SIG{} to PostgreSQL pid {} ({})", name, postmaster.pid(), e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean exited(ProcessHandle p, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (p.isAlive() && !processes.isZombie(p.pid())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
