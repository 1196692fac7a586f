package ru.dozvon.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a PostgreSQL data folder's {@code postmaster.pid} says about the server that wrote it. Its
 * lines (PostgreSQL docs, "Database File Layout"): the postmaster's PID, the data directory, the
 * start time (epoch seconds), the port, the socket directory, the listen address, the shared memory
 * key, the status. The server writes them one by one as it starts, so only the first is required.
 */
record PostmasterPidFile(long pid, Optional<Path> dataDir, Optional<Instant> startedAt, OptionalInt port,
    Optional<String> status) {

  static final String NAME = "postmaster.pid";

  /** The pid file of {@code dataDir}, or empty when there is none. */
  static Optional<PostmasterPidFile> read(Path dataDir) throws IOException, MalformedPidFile {
    Path file = dataDir.resolve(NAME);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(parse(text));
  }

  /** Parses the text of a pid file; only the first line must be there and be a process id. */
  static PostmasterPidFile parse(String text) throws MalformedPidFile {
    List<String> lines = text.lines().map(String::strip).toList();
    if (lines.isEmpty() || lines.get(0).isEmpty()) {
      throw new MalformedPidFile(NAME + " is empty: its first line should be the postmaster's process id");
    }
    long pid;
    try {
      // a standalone backend (single-user mode) writes its PID negated; it holds the folder as well
      pid = Math.abs(Long.parseLong(lines.get(0)));
    } catch (NumberFormatException e) {
      throw new MalformedPidFile(NAME + ": first line '" + shorten(lines.get(0))
          + "' is not a process id");
    }
    if (pid <= 1) {
      throw new MalformedPidFile(NAME + ": first line '" + lines.get(0) + "' is not a postmaster's process id");
    }
    return new PostmasterPidFile(pid,
        line(lines, 1).map(Path::of),
        line(lines, 2).flatMap(PostmasterPidFile::epochSeconds),
        line(lines, 3).map(PostmasterPidFile::port).orElse(OptionalInt.empty()),
        line(lines, 7));
  }

  /** The pid file is there but says nothing usable (a crash while it was being written, or garbage). */
  static final class MalformedPidFile extends Exception {
    MalformedPidFile(String message) {
      super(message);
    }
  }

  private static Optional<String> line(List<String> lines, int index) {
    return index < lines.size() && !lines.get(index).isEmpty() ? Optional.of(lines.get(index)) : Optional.empty();
  }

  private static Optional<Instant> epochSeconds(String s) {
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(s)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static OptionalInt port(String s) {
    try {
      return OptionalInt.of(Integer.parseInt(s));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
