package ru.dozvon.telephony;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One live stream read by a real HTTP client, as a browser would: the events of one type, with arrival times. */
final class SseStream implements AutoCloseable {

  /** An event as it arrived: its JSON and {@link System#nanoTime()} when its last byte was read. */
  record Arrived(JsonObject event, long nanos) {
  }

  private final HttpClient client;
  private final StringBuffer text = new StringBuffer();
  private final List<Arrived> arrived = new ArrayList<>();

  SseStream(Vertx vertx, int port, String token) throws Exception {
    client = vertx.createHttpClient();
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port)
            .setURI("/api/live/stream").putHeader("Authorization", "Bearer " + token))
        .compose(req -> req.send())
        .map(res -> {
          res.handler(buf -> {
            long now = System.nanoTime();
            synchronized (arrived) {
              text.append(buf.toString());
              int end;
              while ((end = text.indexOf("\n\n")) >= 0) {
                String block = text.substring(0, end);
                text.delete(0, end + 2);
                if (block.startsWith("id: ")) {
                  block = block.substring(block.indexOf('\n') + 1); // the event's id (replay), then the event
                }
                int data = block.indexOf("data: ");
                if (block.startsWith("event: ") && data >= 0) {
                  arrived.add(new Arrived(new JsonObject(block.substring(data + 6)), now));
                }
              }
            }
          });
          return res;
        })
        .await(10, TimeUnit.SECONDS);
  }

  List<Arrived> of(String type) {
    synchronized (arrived) {
      return arrived.stream().filter(a -> type.equals(a.event().getString("type"))).toList();
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
