package ru.dozvon.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A main class of ours in a JVM of its own, on the test classpath, so that a test can kill it for
 * real (SIGKILL, SIGTERM). Its output is read on a thread of its own, so it never blocks on a full
 * pipe, and kept for the failure message. {@link #killAllServing} cleans up what it leaves behind.
 */
public final class ChildJvm implements AutoCloseable {

  public final Process process;
  private final String name;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(output lost: " + e + ")");
      }
    }, "child-" + name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} with {@code env} as its only DOZVON_ variables, in {@code workDir}. */
  public static ChildJvm start(String name, Class<?> mainClass, Map<String, String> env, Path workDir,
      String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("DOZVON_"));
    pb.environment().putAll(env);
    return new ChildJvm(name, pb.start());
  }

  /** Waits for a line matching {@code ready}; fails with the output so far if none comes. */
  public Matcher awaitLine(Pattern ready, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
        Matcher m = ready.matcher(line);
        if (m.find()) {
          return m;
        }
      } else if (!process.isAlive()) {
        break;
      }
    }
    lines.drainTo(seen);
    throw new AssertionError("the " + name + " JVM printed no '" + ready + "' within " + timeout.toSeconds() + " s"
        + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")") + "; its output:\n" + String.join("\n", seen));
  }

  /** Everything it printed so far. */
  public List<String> transcript() {
    lines.drainTo(seen);
    return List.copyOf(seen);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * The postmasters serving {@code dataDir}, seen independently of the code under test: programs
   * named postgres started with {@code -D dataDir} whose parent is not one (a child rewrites its
   * command line, but only a moment after the fork).
   */
  public static List<ProcessHandle> postmastersServing(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return List.of();
    }
    Path dir = dataDir.toRealPath();
    return ProcessHandle.allProcesses()
        .filter(p -> startedOn(p, dir) && running(p.pid()))
        .filter(p -> p.parent().map(parent -> !startedOn(parent, dir)).orElse(true))
        .toList();
  }

  /** Kills every postgres left serving {@code dataDir}, children too: nothing outlives a test. */
  public static void killAllServing(Path dataDir) throws Exception {
    for (ProcessHandle postmaster : postmastersServing(dataDir)) {
      List<ProcessHandle> family = new ArrayList<>(postmaster.descendants().toList());
      family.add(postmaster);
      family.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : family) {
        p.onExit().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean startedOn(ProcessHandle p, Path dir) {
    ProcessHandle.Info info = p.info();
    if (!info.command().orElse("").endsWith("/postgres")) {
      return false;
    }
    String[] args = info.arguments().orElse(new String[0]);
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("-D") && Path.of(args[i + 1]).toAbsolutePath().normalize().equals(dir)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a process still runs: alive and not a zombie. An orphaned postmaster's parent is init, which reaps it
   * when it gets round to it; until then {@code ProcessHandle.isAlive} says true of the exited process.
   */
  public static boolean running(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid + "/stat"));
      int end = stat.lastIndexOf(')'); // "pid (comm) S ...": the state follows the last ')'
      return !(end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) == 'Z');
    } catch (java.io.IOException e) {
      return false; // gone meanwhile
    }
  }
}
