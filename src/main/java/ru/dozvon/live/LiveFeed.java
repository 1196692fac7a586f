package ru.dozvon.live;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The in-process fan-out of {@link FeedEvent}s over the Vert.x event bus (address {@value #ADDRESS}), as records with
 * a local codec; JSON is made only at the browser edge.
 *
 * <p>Every event is numbered as it is published: its id {@code <runId>-<seq>} is unique across restarts (the run id
 * is new at every start) and the sequence has no gap within a run. The last events are kept in a bounded replay buffer
 * ({@link StreamSettings}: at most so many, none older than so long), so that a browser that reconnects with the id of
 * the last event it saw gets what it missed ({@link #since}).
 */
public final class LiveFeed {

  public static final String ADDRESS = "live.feed";

  /**
   * An event with its number in this run, and its SSE frame ({@code id}, {@code event}, {@code data} lines), encoded
   * once at publishing: every open stream that may see it writes the same bytes (21 streams encoded the JSON 21
   * times, seen in the JFR profile at 500 calls a second).
   */
  public record Numbered(long seq, String id, FeedEvent event, Instant publishedAt, Buffer frame) {

    Numbered(long seq, String id, FeedEvent event, Instant publishedAt) {
      this(seq, id, event, publishedAt, Buffer.buffer(
          "id: " + id + "\nevent: " + event.type() + "\ndata: " + event.toJson().encode() + "\n\n"));
    }
  }

  /**
   * What a reconnecting client missed: the events after its last one, or {@code reset} when they cannot be told
   * (an id of another run, before a restart, or one already dropped from the buffer): the client must reload.
   */
  public record Replay(boolean reset, List<Numbered> events) {
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final Clock clock;
  private final StreamSettings settings;
  private final String runId;
  private final ArrayDeque<Numbered> buffer = new ArrayDeque<>();
  private long nextSeq = 1;

  public LiveFeed(Vertx vertx) {
    this(vertx, Clock.systemUTC(), StreamSettings.DEFAULT);
  }

  public LiveFeed(Vertx vertx, Clock clock, StreamSettings settings) {
    this.vertx = vertx;
    this.clock = clock;
    this.settings = settings;
    this.runId = Long.toString(System.currentTimeMillis(), 36) + Long.toString(RANDOM.nextLong() >>> 28, 36);
    vertx.eventBus().registerDefaultCodec(Numbered.class, new LocalCodec());
  }

  /** Numbers the event, keeps it for replay and fans it out; the number order is the order subscribers get. */
  public void publish(FeedEvent e) {
    synchronized (buffer) {
      Instant now = clock.instant();
      long seq = nextSeq++;
      Numbered n = new Numbered(seq, runId + "-" + seq, e, now);
      if (settings.replayEvents() > 0) {
        buffer.addLast(n);
      }
      trim(now);
      vertx.eventBus().publish(ADDRESS, n);
    }
  }

  /** Follows the feed until the returned consumer is unregistered. */
  public MessageConsumer<FeedEvent> subscribe(Consumer<FeedEvent> handler) {
    return vertx.eventBus().<FeedEvent>localConsumer(ADDRESS, m -> handler.accept(((Numbered) (Object) m.body()).event()));
  }

  /** Follows the feed with each event's number. */
  public MessageConsumer<Numbered> subscribeNumbered(Consumer<Numbered> handler) {
    return vertx.eventBus().<Numbered>localConsumer(ADDRESS, m -> handler.accept(m.body()));
  }

  /** The events after the one with this id, in order; a reset when they cannot all be given. */
  public Replay since(String lastEventId) {
    long last = seqOf(lastEventId);
    synchronized (buffer) {
      trim(clock.instant());
      if (last < 0 || last >= nextSeq) {
        return new Replay(true, List.of());
      }
      long oldestKept = buffer.isEmpty() ? nextSeq : buffer.peekFirst().seq();
      if (last + 1 < oldestKept) {
        return new Replay(true, List.of()); // some of what it missed is gone
      }
      List<Numbered> out = new ArrayList<>();
      for (Numbered n : buffer) {
        if (n.seq() > last) {
          out.add(n);
        }
      }
      return new Replay(false, out);
    }
  }

  /** The events after sequence number {@code last} of this run that are still kept (for a subscriber's gap). */
  public List<Numbered> after(long last) {
    synchronized (buffer) {
      List<Numbered> out = new ArrayList<>();
      for (Numbered n : buffer) {
        if (n.seq() > last) {
          out.add(n);
        }
      }
      return out;
    }
  }

  /** The id of the last event published (so far), or null before any. */
  public String lastId() {
    synchronized (buffer) {
      return nextSeq == 1 ? null : runId + "-" + (nextSeq - 1);
    }
  }

  /** The number of the last event published so far (0 before any). */
  public long position() {
    synchronized (buffer) {
      return nextSeq - 1;
    }
  }

  /** The id of the event with this number in this run. */
  public String idOf(long seq) {
    return runId + "-" + seq;
  }

  /** The sequence number in this run of an id given back by a client; -1 when it is not one of this run. */
  public long sequenceOf(String id) {
    return seqOf(id);
  }

  public String runId() {
    return runId;
  }

  /** The sequence number of an id of this run; -1 for another run's or a malformed one. */
  private long seqOf(String id) {
    if (id == null) {
      return -1;
    }
    String t = id.strip();
    if (!t.startsWith(runId + "-")) {
      return -1;
    }
    try {
      long seq = Long.parseLong(t.substring(runId.length() + 1));
      return seq < 0 ? -1 : seq;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void trim(Instant now) {
    Instant oldest = now.minus(settings.replayMaxAge());
    while (!buffer.isEmpty() && (buffer.size() > settings.replayEvents() || buffer.peekFirst().publishedAt().isBefore(oldest))) {
      buffer.removeFirst();
    }
  }

  /** Records pass by reference inside the process; they never cross the wire. */
  private static final class LocalCodec implements MessageCodec<Numbered, Numbered> {
    @Override
    public void encodeToWire(Buffer buffer, Numbered e) {
      throw new UnsupportedOperationException("feed events stay in the process");
    }

    @Override
    public Numbered decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("feed events stay in the process");
    }

    @Override
    public Numbered transform(Numbered e) {
      return e;
    }

    @Override
    public String name() {
      return "feed-event-local";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
