package ru.dozvon.live;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.function.Consumer;

/**
 * The in-process fan-out of {@link FeedEvent}s over the Vert.x event bus (address
 * {@value #ADDRESS}), as records with a local codec; JSON is made only at the browser edge.
 */
public final class LiveFeed {

  public static final String ADDRESS = "live.feed";

  private final Vertx vertx;

  public LiveFeed(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().registerDefaultCodec(FeedEvent.class, new LocalCodec());
  }

  public void publish(FeedEvent e) {
    vertx.eventBus().publish(ADDRESS, e);
  }

  /** Follows the feed until the returned consumer is unregistered. */
  public MessageConsumer<FeedEvent> subscribe(Consumer<FeedEvent> handler) {
    return vertx.eventBus().<FeedEvent>localConsumer(ADDRESS, m -> handler.accept(m.body()));
  }

  /** Records pass by reference inside the process; they never cross the wire. */
  private static final class LocalCodec implements MessageCodec<FeedEvent, FeedEvent> {
    @Override
    public void encodeToWire(Buffer buffer, FeedEvent e) {
      throw new UnsupportedOperationException("feed events stay in the process");
    }

    @Override
    public FeedEvent decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("feed events stay in the process");
    }

    @Override
    public FeedEvent transform(FeedEvent e) {
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
