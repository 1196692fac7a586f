package ru.dozvon.live;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.TestApp;

/** The SSE live feed, read by a real HTTP client while a missed call is recorded. */
class LiveStreamTest {

  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void aMissedCallShowsUpOnTheStreamAsCallEndedAndDealCreated() throws Throwable {
    VertxTestContext test = new VertxTestContext();
    var checkpoint = test.checkpoint(2);
    StringBuilder seen = new StringBuilder();
    HttpClient client = t.app.vertx().createHttpClient();
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(t.app.httpPort())
            .setURI("/api/live/stream").putHeader("Authorization", "Bearer " + TestApp.ADMIN_TOKEN))
        .compose(req -> req.send())
        .onSuccess(res -> {
          test.verify(() -> assertThat(res.getHeader("Content-Type")).startsWith("text/event-stream"));
          var sawCall = new java.util.concurrent.atomic.AtomicBoolean();
          var sawDeal = new java.util.concurrent.atomic.AtomicBoolean();
          res.handler(buf -> {
            seen.append(buf.toString());
            if (seen.indexOf("event: call.ended") >= 0 && sawCall.compareAndSet(false, true)) {
              checkpoint.flag();
            }
            if (seen.indexOf("event: deal.created") >= 0 && sawDeal.compareAndSet(false, true)) {
              checkpoint.flag();
            }
          });
          Instant now = Instant.now();
          var facts = new CallFacts("live.1", CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, PhoneNumbers.parse("+79161112233"),
              "+79161112233", false, "74951234567", null, null, now.minusSeconds(20), null, now, 20, 0, false);
          t.app.callIntake().accept(facts, now).onFailure(test::failNow);
        })
        .onFailure(test::failNow);
    assertThat(test.awaitCompletion(15, TimeUnit.SECONDS)).isTrue();
    if (test.failed()) {
      throw test.causeOfFailure();
    }
    String text = seen.toString();
    String data = text.substring(text.indexOf("event: deal.created"));
    data = data.substring(data.indexOf("data: ") + 6, data.indexOf('\n', data.indexOf("data: ")));
    JsonObject event = new JsonObject(data);
    assertThat(event.getString("type")).isEqualTo("deal.created");
    assertThat(event.getJsonObject("data").getString("phone")).isEqualTo("+79161112233");
    assertThat(event.getLong("dealId")).isPositive();
    client.close();
  }

  /**
   * Every stream writes the frame encoded once at publishing (the same bytes to each): three streams read the same
   * events, each frame whole, with its id, type and data, and the frames of one event equal on all three.
   */
  @Test
  void severalStreamsReadTheSameFramesOfTheSameEvents() throws Throwable {
    int streams = 3;
    int calls = 5;
    HttpClient client = t.app.vertx().createHttpClient();
    java.util.List<StringBuilder> seen = new java.util.ArrayList<>();
    java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(streams);
    for (int i = 0; i < streams; i++) {
      StringBuilder b = new StringBuilder();
      seen.add(b);
      client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(t.app.httpPort())
              .setURI("/api/live/stream").putHeader("Authorization", "Bearer " + TestApp.ADMIN_TOKEN))
          .compose(req -> req.send())
          .onSuccess(res -> {
            res.handler(buf -> {
              synchronized (b) {
                b.append(buf.toString());
              }
            });
            open.countDown();
          });
    }
    assertThat(open.await(10, TimeUnit.SECONDS)).isTrue();
    Instant now = Instant.now();
    for (int k = 0; k < calls; k++) {
      String phone = "+7916111330" + k;
      var facts = new CallFacts("live.many." + k, CallDirection.INBOUND, CallOutcome.NO_ANSWER, true,
          PhoneNumbers.parse(phone), phone, false, "74951234567", null, null, now.minusSeconds(20), null, now, 20, 0,
          false);
      t.app.callIntake().accept(facts, now).await(10, TimeUnit.SECONDS);
    }
    java.util.List<java.util.List<String>> frames = new java.util.ArrayList<>();
    long until = System.currentTimeMillis() + 10_000;
    while (true) {
      frames.clear();
      for (StringBuilder b : seen) {
        String text;
        synchronized (b) {
          text = b.toString();
        }
        java.util.List<String> created = new java.util.ArrayList<>();
        for (String frame : text.split("\n\n")) {
          if (frame.contains("\nevent: deal.created\n") && frame.contains("+7916111330")) {
            created.add(frame);
          }
        }
        frames.add(created);
      }
      if (frames.stream().allMatch(f -> f.size() == calls) || System.currentTimeMillis() > until) {
        break;
      }
      Thread.sleep(20); // polling what the HTTP clients read
    }
    for (java.util.List<String> f : frames) {
      assertThat(f).hasSize(calls).isEqualTo(frames.get(0));
      for (String frame : f) {
        String[] lines = frame.split("\n");
        assertThat(lines[0]).startsWith("id: ");
        assertThat(lines[1]).isEqualTo("event: deal.created");
        JsonObject data = new JsonObject(lines[2].substring("data: ".length()));
        assertThat(data.getString("type")).isEqualTo("deal.created");
        assertThat(data.getJsonObject("data").getString("phone")).startsWith("+7916111330");
      }
    }
    assertThat(frames.get(0).stream().distinct()).hasSize(calls);
    client.close();
  }

  @Test
  void theSnapshotCountsTheFloorAndIsForStaffOnly() throws Exception {
    Instant now = Instant.now();
    var facts = new CallFacts("live.2", CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, PhoneNumbers.parse("+79161112244"),
        "+79161112244", false, "74951234567", null, null, now.minusSeconds(20), null, now, 20, 0, false);
    t.app.callIntake().accept(facts, now).await(10, TimeUnit.SECONDS);
    JsonObject op = t.createManager("Petr", "241", 3);
    var snap = TestApp.await(t.get("/api/live", TestApp.ADMIN_TOKEN).send());
    assertThat(snap.statusCode()).isEqualTo(200);
    JsonObject s = snap.bodyAsJsonObject();
    assertThat(s.getLong("missedToday")).isGreaterThanOrEqualTo(1);
    assertThat(s.getLong("unassignedDeals")).isGreaterThanOrEqualTo(0);
    assertThat(s.getJsonObject("funnel").getLong("new")).isGreaterThanOrEqualTo(1);
    assertThat(s.getJsonArray("managers").stream().map(m -> ((JsonObject) m).getString("name"))).contains("Petr");
    assertThat(s.getInteger("callsInProgress")).isZero();
    assertThat(s.getJsonObject("callbackBacklog").containsKey("oldestDueAt")).isTrue();
    var denied = TestApp.await(t.get("/api/live", op.getString("token")).send());
    assertThat(denied.statusCode()).isEqualTo(403);
  }
}
