package ru.dozvon.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * PostgreSQL server processes as Linux shows them in {@code /proc}: a postgres runs from a program
 * named {@code postgres} and, from its first moments on, in its data directory; that pair tells a
 * server of our folder from whatever process now has the PID written in an old pid file.
 */
final class PostgresProcesses {

  enum Kind { GONE, OURS, OTHER, UNKNOWN }

  /** What a PID is now. */
  record Identity(Kind kind, String description) {
  }

  private final Path proc;

  /** @param proc the proc file system, {@code /proc} */
  PostgresProcesses(Path proc) {
    this.proc = proc;
  }

  boolean available() {
    return Files.isDirectory(proc.resolve("self"));
  }

  Path root() {
    return proc;
  }

  /** Whether {@code pid} is a live postgres whose working folder is {@code dataDir}. */
  Identity identify(long pid, Path dataDir) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return new Identity(Kind.GONE, "no such process");
    }
    if (!available()) {
      return new Identity(Kind.UNKNOWN, "no " + proc + " on this system");
    }
    Path dir = proc.resolve(Long.toString(pid));
    try {
      String exe = Files.readSymbolicLink(dir.resolve("exe")).toString().replace(" (deleted)", "");
      if (!exe.endsWith("/postgres")) {
        return new Identity(Kind.OTHER, "a live " + exe + ", not postgres");
      }
      Path cwd = Files.readSymbolicLink(dir.resolve("cwd"));
      if (!cwd.equals(dataDir.toRealPath())) {
        return new Identity(Kind.OTHER, "a postgres serving " + cwd + ", not this folder");
      }
      return new Identity(Kind.OURS, "a postgres serving this folder");
    } catch (NoSuchFileException e) {
      // exited meanwhile, a zombie, or a kernel thread: in every case not a live postgres
      return handle.get().isAlive() && !isZombie(pid)
          ? new Identity(Kind.OTHER, "a live process without a program file, not postgres")
          : new Identity(Kind.GONE, "exited");
    } catch (AccessDeniedException e) {
      return new Identity(Kind.UNKNOWN, "no permission to read " + e.getFile());
    } catch (IOException e) {
      return new Identity(Kind.UNKNOWN, e.toString());
    }
  }

  /** Every postgres process serving {@code dataDir}: postmasters and their children. */
  List<Long> serving(Path dataDir) throws IOException {
    try (Stream<Path> entries = Files.list(proc)) {
      return entries.map(p -> p.getFileName().toString())
          .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(pid -> identify(pid, dataDir).kind() == Kind.OURS)
          .toList();
    }
  }

  /** The postmasters among them: those whose parent is not one of them. */
  List<Long> postmastersServing(Path dataDir) throws IOException {
    return serving(dataDir).stream()
        .filter(pid -> ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
            .map(parent -> identify(parent.pid(), dataDir).kind() != Kind.OURS).orElse(true))
        .toList();
  }

  /** Exited, though not yet reaped by its parent (init, for an orphan). */
  boolean isZombie(long pid) {
    try {
      String stat = Files.readString(proc.resolve(pid + "/stat"));
      // "pid (comm) S ...": the state follows the last ')', as comm may hold anything
      int end = stat.lastIndexOf(')');
      return end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
