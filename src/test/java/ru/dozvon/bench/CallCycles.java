package ru.dozvon.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * A transcript replayed as many different calls: cycle {@code k} has every Linkedid/Uniqueid
 * rewritten (the epoch part {@code 1795551887} of {@code 1795551887.N} becomes {@code 1795551887+k},
 * same length, so parsing cost does not change) and, optionally, the caller's number (its last 7
 * digits become {@code k % callers}). Without the rewrite, the tracker rightly drops every cycle
 * after the first as late events of a call it already ended (its recent-ended memory).
 *
 * <p>The cycle is split once into constant segments and token slots; a cycle costs one copy.
 */
final class CallCycles {

  private static final Pattern LINKEDID = Pattern.compile("\r\nLinkedid: (\\d{6,})\\.\\d+\r\n");
  private static final Pattern CALLER = Pattern.compile("\r\nCallerIDNum: \\+(\\d{11})\r\n");

  private final Transcript transcript;
  private final List<byte[]> segments = new ArrayList<>();
  /** Per slot between segments: 0 the id epoch, 1 the caller number. */
  private final List<Integer> slots = new ArrayList<>();
  private final long epoch;
  private final String caller;
  private final long callers;

  /**
   * @param callers how many distinct caller numbers to cycle through (0: keep the transcript's)
   */
  CallCycles(Transcript transcript, long callers) {
    this.transcript = transcript;
    String text = new String(transcript.bytes(), StandardCharsets.ISO_8859_1);
    Matcher l = LINKEDID.matcher(text);
    if (!l.find()) {
      throw new IllegalArgumentException(transcript.name() + " has no Linkedid to rewrite");
    }
    String epochText = l.group(1);
    this.epoch = Long.parseLong(epochText);
    Matcher c = CALLER.matcher(text);
    this.caller = callers > 0 && c.find() ? c.group(1) : null;
    this.callers = callers;
    Pattern tokens = Pattern.compile(caller == null ? Pattern.quote(epochText)
        : Pattern.quote(epochText) + "|" + Pattern.quote(caller));
    Matcher m = tokens.matcher(text);
    int from = 0;
    while (m.find()) {
      segments.add(text.substring(from, m.start()).getBytes(StandardCharsets.ISO_8859_1));
      slots.add(m.group().equals(epochText) ? 0 : 1);
      from = m.end();
    }
    segments.add(text.substring(from).getBytes(StandardCharsets.ISO_8859_1));
  }

  int eventsPerCycle() {
    return transcript.size();
  }

  /** The linkedid of cycle {@code k}'s call (the transcript's first one, rewritten). */
  long epochOf(long k) {
    return epoch + k;
  }

  /** Appends cycle {@code k} as bytes to {@code out}. */
  void write(long k, ByteArrayOutputStream out) {
    byte[] id = Long.toString(epoch + k).getBytes(StandardCharsets.ISO_8859_1);
    byte[] number = caller == null ? null : callerOf(k).getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < slots.size(); i++) {
      out.writeBytes(segments.get(i));
      out.writeBytes(slots.get(i) == 0 ? id : number);
    }
    out.writeBytes(segments.get(segments.size() - 1));
  }

  /** The caller number (digits, no plus) of cycle {@code k}. */
  String callerOf(long k) {
    if (caller == null) {
      return null;
    }
    return caller.substring(0, 4) + String.format("%07d", k % callers);
  }

  /**
   * Sends cycles {@code 0..cycles-1} to every logged-in client of the server, from a thread of its
   * own, about 48 KiB per socket write. Returns the thread.
   */
  Thread blast(TestAmiServer server, long cycles) {
    Thread t = new Thread(() -> {
      ByteArrayOutputStream chunk = new ByteArrayOutputStream(64 * 1024);
      for (long k = 0; k < cycles; k++) {
        write(k, chunk);
        if (chunk.size() >= 48 * 1024 || k == cycles - 1) {
          server.sendRaw(chunk.toByteArray());
          chunk.reset();
        }
      }
    }, "bench-ami-blast");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Like {@link #blast} but paced: {@code perSecond} cycles a second (sent in 10 ms slices), for an
   * open-loop end-to-end run. Returns the thread.
   */
  Thread pacedBlast(TestAmiServer server, long cycles, double perSecond) {
    return pacedBlast(server, 0, cycles, perSecond);
  }

  /** The same for cycles {@code from..from+cycles-1}. */
  Thread pacedBlast(TestAmiServer server, long from, long cycles, double perSecond) {
    Thread t = new Thread(() -> {
      ByteArrayOutputStream chunk = new ByteArrayOutputStream(64 * 1024);
      long start = System.nanoTime();
      long k = 0;
      while (k < cycles) {
        long due = Math.min(cycles, (long) ((System.nanoTime() - start) / 1e9 * perSecond) + 1);
        for (; k < due; k++) {
          write(from + k, chunk);
        }
        if (chunk.size() > 0) {
          server.sendRaw(chunk.toByteArray());
          chunk.reset();
        }
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
      }
    }, "bench-ami-paced-blast");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
