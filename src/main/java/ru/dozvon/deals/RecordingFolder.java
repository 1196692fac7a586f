package ru.dozvon.deals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a recording's name may lead (only inside the folder) and which bytes a Range header asks for. */
final class RecordingFolder {

  /** One byte range, first and last inclusive, as HTTP counts them. */
  record Range(long first, long last) {
    /** A Range header no byte of the file satisfies (416). */
    static final Range UNSATISFIABLE = new Range(-1, -1);

    long length() {
      return last - first + 1;
    }
  }

  private static final Pattern BYTES = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private RecordingFolder() {
  }

  /**
   * The file {@code name} names inside {@code folder}, with every symlink followed, or null when it lies
   * outside (absolute, {@code ..}, a link pointing out). A file that does not exist resolves to its path
   * inside (the caller answers 404). Blocking file system calls.
   */
  static Path resolve(Path folder, String name) throws IOException {
    Path relative;
    try {
      relative = Path.of(name);
    } catch (InvalidPathException e) {
      return null;
    }
    if (relative.isAbsolute() || name.startsWith("/") || name.startsWith("\\")) {
      return null;
    }
    for (Path part : relative) {
      if (part.toString().equals("..")) {
        return null;
      }
    }
    Path root = folder.toRealPath();
    Path candidate = root.resolve(relative).normalize();
    if (!candidate.startsWith(root)) {
      return null;
    }
    if (!Files.exists(candidate)) {
      return Files.isSymbolicLink(candidate) ? null : candidate;
    }
    Path real = candidate.toRealPath(); // follows links: one pointing out of the folder is refused
    return real.startsWith(root) ? real : null;
  }

  /**
   * The range a {@code Range} header asks for in a file of {@code size} bytes: null for the whole file (no
   * header, another unit, several ranges, or a malformed one, which HTTP lets a server ignore), or
   * {@link Range#UNSATISFIABLE}.
   */
  static Range range(String header, long size) {
    if (header == null) {
      return null;
    }
    Matcher m = BYTES.matcher(header.strip());
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      return null;
    }
    try {
      if (m.group(1).isEmpty()) { // bytes=-500: the last 500
        long suffix = Long.parseLong(m.group(2));
        return suffix == 0 || size == 0 ? Range.UNSATISFIABLE : new Range(Math.max(0, size - suffix), size - 1);
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
      if (first >= size || last < first) {
        return Range.UNSATISFIABLE;
      }
      return new Range(first, last);
    } catch (NumberFormatException e) {
      return Range.UNSATISFIABLE; // digits beyond a long: no file is that large
    }
  }
}
