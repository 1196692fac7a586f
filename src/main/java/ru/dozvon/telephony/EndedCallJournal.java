package ru.dozvon.telephony;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.CallFacts;

/**
 * The write-ahead journal of ended calls: every call the tracker closes is appended here before it goes to the
 * database, and marked committed once the database has it (or filed it as unrecordable). A crash, SIGKILL included,
 * leaves the calls whose write was in flight in the journal; the next start replays those not marked committed
 * (idempotent: the PBX call id is unique in {@code calls}, so a replay of a stored call changes nothing).
 *
 * <p>On disk: {@code calls-journal/segment-<n>.jsonl} in the data folder, one line per change: {@code +<call as
 * JSON>} (the form of {@link UnrecordedCallFile}) when a call is appended, {@code -<pbx call id>} when it is
 * committed. A segment past {@code segment_size} is closed and the next one started; each start begins a new
 * segment (a torn last line of a killed run stays behind, skipped). The oldest segments are deleted as soon as
 * every call in them is committed. Past {@code max_size} appends fail ({@link JournalFull}): the caller sends the
 * call without write-ahead, and {@link #full()} makes {@code /health} DEGRADED until the journal shrinks.
 *
 * <p>Durability ({@link JournalSettings#fsyncEvery()}): per batch, appends are written and fsynced as a group (every
 * append waiting when the previous group's fsync ends joins the next one) before any of them completes; with an
 * interval they complete once written to the OS (a killed process loses nothing, the kernel has the bytes) and are
 * fsynced every interval.
 *
 * <p>Calls held in memory by the caller are bounded; a call the caller lets go of ({@link #spilled}) is kept
 * here only, and handed back by {@link #takeSpilled} when there is room again, oldest first.
 *
 * <p>One thread of its own ({@code dozvon-journal}) does every file operation and owns the index; results are
 * completed on the context that opened the journal, one hop per batch.
 */
public final class EndedCallJournal {

  /** The journal reached {@code max_size}: this call is not written ahead. */
  static final class JournalFull extends IllegalStateException {
    JournalFull(String message) {
      super(message);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(EndedCallJournal.class);
  private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{1,12})\\.jsonl");
  private static final int MAX_BATCH = 4096;

  /** A call not yet committed: in which segment, and whether only the journal holds it. */
  private static final class Entry {
    final long segment;
    boolean spilled;

    Entry(long segment, boolean spilled) {
      this.segment = segment;
      this.spilled = spilled;
    }
  }

  private interface Op {
  }

  private record Append(CallFacts call, Promise<Void> done) implements Op {
  }

  private record Commit(String id) implements Op {
  }

  private record Spill(String id) implements Op {
  }

  private record Take(int limit, Promise<List<CallFacts>> done) implements Op {
  }

  private record Open(int limit, Promise<List<CallFacts>> done) implements Op {
  }

  private record Close(Promise<Void> done) implements Op {
  }

  private final Path dir;
  private final JournalSettings settings;
  private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Map<String, Entry> outstanding = new HashMap<>();
  /** Per segment: calls in it not committed yet; and its size on disk. Oldest first. */
  private final TreeMap<Long, int[]> openCalls = new TreeMap<>();
  private final TreeMap<Long, Long> sizes = new TreeMap<>();
  private final ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
  private final Counter appended;
  private final Counter unjournaled;
  private final Timer fsyncs;
  private Context context;
  private Thread thread;
  private FileChannel current;
  private long currentSegment;
  private boolean dirty;
  private long nextSyncNanos;
  private volatile long bytes;
  private volatile int uncommitted;
  private volatile int spilledCount;
  private volatile boolean full;
  private volatile boolean closed;

  public EndedCallJournal(Path dir, JournalSettings settings, MeterRegistry registry) {
    this.dir = dir;
    this.settings = settings;
    this.appended = Counter.builder("dozvon.journal.appended").description("Ended calls written ahead to the"
        + " journal").register(registry);
    this.unjournaled = Counter.builder("dozvon.journal.unjournaled").description("Ended calls sent to the database"
        + " without write-ahead: the journal was full or failed").register(registry);
    this.fsyncs = Timer.builder("dozvon.journal.fsync").description("Journal group fsyncs").register(registry);
    registry.gauge("dozvon.journal.bytes", this, j -> j.bytes);
    registry.gauge("dozvon.journal.uncommitted", this, j -> j.uncommitted);
    registry.gauge("dozvon.journal.spilled", this, j -> j.spilledCount);
    registry.gauge("dozvon.journal.full", this, j -> j.full ? 1 : 0);
  }

  /**
   * Starts the journal on the calling context: reads what earlier runs left, deletes the segments all committed,
   * starts a new segment. Completes with the oldest {@code limit} calls not committed; the others count as spilled
   * ({@link #takeSpilled}).
   */
  public Future<List<CallFacts>> open(int limit) {
    context = io.vertx.core.Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("EndedCallJournal.open must be called on a Vert.x context");
    }
    thread = new Thread(this::run, "dozvon-journal");
    thread.setDaemon(true);
    thread.start();
    Promise<List<CallFacts>> p = Promise.promise();
    queue.add(new Open(limit, p));
    return p.future();
  }

  /** Writes the call ahead; completes (on the opening context) once durable as the settings say. */
  public Future<Void> append(CallFacts call) {
    Promise<Void> p = Promise.promise();
    if (closed) {
      p.fail(new IllegalStateException("journal closed"));
    } else {
      queue.add(new Append(call, p));
    }
    return p.future();
  }

  /** The database has the call (or filed it): it need not be replayed. */
  public void committed(String pbxCallId) {
    queue.add(new Commit(pbxCallId));
  }

  /** The caller no longer holds the call in memory: only the journal does, until {@link #takeSpilled}. */
  void spilled(String pbxCallId) {
    queue.add(new Spill(pbxCallId));
  }

  /** Up to {@code limit} of the calls only the journal holds, oldest first; they count as held by the caller again. */
  Future<List<CallFacts>> takeSpilled(int limit) {
    Promise<List<CallFacts>> p = Promise.promise();
    queue.add(new Take(limit, p));
    return p.future();
  }

  /** Flushes, fsyncs and stops the thread; what is not committed stays for the next start. */
  public Future<Void> close() {
    if (closed || thread == null) {
      return Future.succeededFuture();
    }
    closed = true; // no more appends; the ops already queued run first
    Promise<Void> p = Promise.promise();
    queue.add(new Close(p));
    return p.future();
  }

  /** Past {@code max_size}: new calls are not written ahead. */
  boolean full() {
    return full;
  }

  long bytes() {
    return bytes;
  }

  /** Calls written ahead and not committed yet (spilled ones included). */
  int uncommitted() {
    return uncommitted;
  }

  /** Calls only the journal holds. */
  int spilledCount() {
    return spilledCount;
  }

  /** Counts a call that went to the database without write-ahead. */
  void countUnjournaled() {
    unjournaled.increment();
  }

  // ---- the journal thread ----

  private void run() {
    List<Op> batch = new ArrayList<>();
    List<Runnable> completions = new ArrayList<>();
    while (true) {
      batch.clear();
      completions.clear();
      try {
        Op first;
        if (dirty && !settings.fsyncPerBatch()) {
          long wait = nextSyncNanos - System.nanoTime();
          first = wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
          if (first == null) {
            sync();
            continue;
          }
        } else {
          first = queue.take();
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      boolean stop = process(batch, completions);
      if (!completions.isEmpty()) {
        List<Runnable> done = List.copyOf(completions);
        context.runOnContext(v -> done.forEach(Runnable::run));
      }
      if (stop) {
        return;
      }
    }
  }

  /** Runs a batch; true when the journal was closed. */
  private boolean process(List<Op> batch, List<Runnable> completions) {
    List<Promise<Void>> waiting = new ArrayList<>();
    boolean stop = false;
    for (Op op : batch) {
      try {
        if (op instanceof Append a) {
          append(a, waiting, completions);
        } else if (op instanceof Commit c) {
          commit(c.id());
        } else if (op instanceof Spill s) {
          Entry e = outstanding.get(s.id());
          if (e != null && !e.spilled) {
            e.spilled = true;
            spilledCount++;
          }
        } else if (op instanceof Take t) {
          flush();
          List<CallFacts> taken = take(t.limit());
          completions.add(() -> t.done().complete(taken));
        } else if (op instanceof Open o) {
          List<CallFacts> left = load(o.limit());
          completions.add(() -> o.done().complete(left));
        } else if (op instanceof Close c) {
          flush();
          if (current != null) {
            current.force(false);
            current.close();
          }
          closed = true;
          completions.add(() -> c.done().complete());
          stop = true;
        }
      } catch (IOException | RuntimeException e) {
        LOG.error("Journal {}: {} failed: {}", dir, op.getClass().getSimpleName(), e.toString());
        failAll(op, e, completions);
      }
    }
    try {
      flush();
      if (!waiting.isEmpty()) {
        if (settings.fsyncPerBatch()) {
          sync();
        } else if (!dirty) {
          dirty = true;
          nextSyncNanos = System.nanoTime() + settings.fsyncEvery().toNanos();
        }
      }
      for (Promise<Void> p : waiting) {
        completions.add(p::complete);
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("Journal {}: write failed ({}); {} calls go to the database without write-ahead", dir, e.toString(),
          waiting.size());
      for (Promise<Void> p : waiting) {
        completions.add(() -> p.fail(e));
      }
    }
    return stop;
  }

  private void failAll(Op op, Throwable e, List<Runnable> completions) {
    if (op instanceof Append a) {
      completions.add(() -> a.done().fail(e));
    } else if (op instanceof Take t) {
      completions.add(() -> t.done().fail(e));
    } else if (op instanceof Open o) {
      completions.add(() -> o.done().fail(e));
    } else if (op instanceof Close c) {
      closed = true;
      completions.add(() -> c.done().fail(e));
    }
  }

  private void append(Append a, List<Promise<Void>> waiting, List<Runnable> completions) throws IOException {
    String id = a.call().pbxCallId();
    if (outstanding.containsKey(id)) { // already written ahead and not stored yet: the same call again
      completions.add(a.done()::complete);
      return;
    }
    byte[] line = ("+" + UnrecordedCallFile.toJson(a.call()).encode() + "\n").getBytes(StandardCharsets.UTF_8);
    if (sizes.get(currentSegment) + out.position() + line.length > settings.segmentBytes()) {
      rotate();
    }
    if (bytes + out.position() + line.length > settings.maxBytes()) {
      if (!full) {
        full = true;
        LOG.error("Journal {} is full ({} bytes, telephony.journal.max_size {}; {} calls not stored yet): new ended"
            + " calls go to the database WITHOUT write-ahead until stored calls free space; /health is DEGRADED",
            dir, bytes, settings.maxBytes(), uncommitted);
      }
      completions.add(() -> a.done().fail(new JournalFull("journal full (" + settings.maxBytes() + " bytes)")));
      return;
    }
    put(line);
    outstanding.put(id, new Entry(currentSegment, false));
    openCalls.get(currentSegment)[0]++;
    uncommitted++;
    appended.increment();
    waiting.add(a.done());
  }

  private void commit(String id) throws IOException {
    Entry e = outstanding.remove(id);
    if (e == null) {
      return; // not written ahead (journal full), or committed before
    }
    uncommitted--;
    if (e.spilled) {
      spilledCount--;
    }
    int[] left = openCalls.get(e.segment);
    if (left != null) {
      left[0]--;
    }
    put(("-" + id + "\n").getBytes(StandardCharsets.UTF_8));
    deleteCommittedSegments();
  }

  /** Deletes the oldest segments while every call in them is committed (never the one being written). */
  private void deleteCommittedSegments() throws IOException {
    while (!openCalls.isEmpty()) {
      Map.Entry<Long, int[]> oldest = openCalls.firstEntry();
      if (oldest.getKey() == currentSegment || oldest.getValue()[0] > 0) {
        break;
      }
      Files.deleteIfExists(segment(oldest.getKey()));
      openCalls.remove(oldest.getKey());
      Long size = sizes.remove(oldest.getKey());
      bytes -= size == null ? 0 : size;
    }
    if (full && bytes < settings.maxBytes() - settings.segmentBytes()) {
      full = false;
      LOG.warn("Journal {} has room again ({} bytes): ended calls are written ahead again", dir, bytes);
    }
  }

  private void put(byte[] line) throws IOException {
    if (out.remaining() < line.length) {
      flush();
    }
    if (line.length > out.capacity()) {
      writeFully(ByteBuffer.wrap(line));
      return;
    }
    out.put(line);
  }

  private void flush() throws IOException {
    if (out.position() == 0) {
      return;
    }
    out.flip();
    writeFully(out);
    out.clear();
  }

  private void writeFully(ByteBuffer buf) throws IOException {
    int n = buf.remaining();
    while (buf.hasRemaining()) {
      current.write(buf);
    }
    sizes.merge(currentSegment, (long) n, Long::sum);
    bytes += n;
  }

  private void sync() {
    try {
      long t0 = System.nanoTime();
      current.force(false);
      fsyncs.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      dirty = false;
    } catch (IOException e) {
      throw new UncheckedIOException("journal fsync failed: " + e.getMessage(), e);
    }
  }

  private void rotate() throws IOException {
    flush();
    if (current != null) {
      current.force(false);
      current.close();
    }
    startSegment(currentSegment + 1);
    deleteCommittedSegments();
  }

  private void startSegment(long n) throws IOException {
    currentSegment = n;
    current = FileChannel.open(segment(n), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    openCalls.put(n, new int[1]);
    sizes.put(n, 0L);
    dirty = false;
    syncDir();
  }

  private void syncDir() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      LOG.debug("Journal folder {} not fsynced: {}", dir, e.getMessage());
    }
  }

  private Path segment(long n) {
    return dir.resolve(String.format("segment-%06d.jsonl", n));
  }

  /** Reads the segments left behind; the oldest {@code limit} calls not committed are returned, the rest spilled. */
  private List<CallFacts> load(int limit) throws IOException {
    Files.createDirectories(dir);
    TreeMap<Long, Path> found = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "segment-*.jsonl")) {
      for (Path p : ds) {
        Matcher m = SEGMENT.matcher(p.getFileName().toString());
        if (m.matches()) {
          found.put(Long.parseLong(m.group(1)), p);
        }
      }
    }
    Map<String, Long> waiting = new LinkedHashMap<>();
    for (Map.Entry<Long, Path> seg : found.entrySet()) {
      long n = seg.getKey();
      openCalls.put(n, new int[1]);
      long size = Files.size(seg.getValue());
      sizes.put(n, size);
      bytes += size;
      readLines(seg.getValue(), (line, call) -> {
        if (call != null) {
          waiting.putIfAbsent(call.pbxCallId(), n);
        } else {
          waiting.remove(line);
        }
      });
    }
    for (Map.Entry<String, Long> w : waiting.entrySet()) {
      outstanding.put(w.getKey(), new Entry(w.getValue(), true));
      openCalls.get(w.getValue())[0]++;
    }
    uncommitted = outstanding.size();
    spilledCount = uncommitted;
    startSegment(found.isEmpty() ? 1 : found.lastKey() + 1);
    deleteCommittedSegments();
    if (!waiting.isEmpty()) {
      LOG.warn("Journal {}: {} ended calls written ahead by an earlier run are not marked stored; replaying them"
          + " (a call stored already is not stored again)", dir, waiting.size());
    }
    return take(limit);
  }

  /** Reads spilled calls back, oldest first. */
  private List<CallFacts> take(int limit) throws IOException {
    List<CallFacts> taken = new ArrayList<>();
    if (spilledCount == 0 || limit <= 0) {
      return taken;
    }
    for (Long n : List.copyOf(openCalls.keySet())) {
      if (openCalls.get(n)[0] == 0) {
        continue;
      }
      boolean[] stop = {false};
      readLines(segment(n), (line, call) -> {
        if (stop[0] || call == null) {
          return;
        }
        Entry e = outstanding.get(call.pbxCallId());
        if (e != null && e.spilled && e.segment == n) {
          e.spilled = false;
          spilledCount--;
          taken.add(call);
          stop[0] = taken.size() >= limit;
        }
      });
      if (stop[0]) {
        break;
      }
    }
    return taken;
  }

  /** Each line: a call appended (call set) or a commit (line is the id). Bad lines (a torn end) are skipped. */
  private void readLines(Path file, java.util.function.BiConsumer<String, CallFacts> each) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    int lineNo = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        try {
          if (line.charAt(0) == '+') {
            each.accept(null, UnrecordedCallFile.fromJson(new JsonObject(line.substring(1))));
          } else if (line.charAt(0) == '-') {
            each.accept(line.substring(1), null);
          } else {
            throw new IllegalArgumentException("unknown line kind '" + line.charAt(0) + "'");
          }
        } catch (RuntimeException e) {
          LOG.warn("Journal {}: line {} skipped ({})", file.getFileName(), lineNo, e.getMessage());
        }
      }
    }
  }
}
