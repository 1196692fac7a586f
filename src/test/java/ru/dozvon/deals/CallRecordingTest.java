package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * Recordings in the card, with real parts: the dialplan's {@code DOZVON_RECORDING} arrives as VarSet over TCP in a
 * real transcript, lands on the call, shows in the deal card, and is served from the recordings folder with
 * ranges to staff and the call's operator only; names leading out of the folder are refused.
 */
class CallRecordingTest {

  static final String LINKEDID = "1795554557.2";
  static final String NAME = "2026/12/01/" + LINKEDID + ".wav";

  static TestAmiServer pbx;
  static TestApp t;
  static Path folder;
  static byte[] audio = new byte[1000];
  static long dealId;
  static long callId;
  static String anna;
  static String boris;

  @BeforeAll
  static void start() throws Exception {
    Path base = Files.createTempDirectory("dozvon-recordings");
    folder = Files.createDirectories(base.resolve("recordings"));
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (byte) i;
    }
    Files.createDirectories(folder.resolve("2026/12/01"));
    Files.write(folder.resolve(NAME), audio);
    Files.writeString(base.resolve("secret.txt"), "not a recording");
    Files.createSymbolicLink(folder.resolve("escape.wav"), base.resolve("secret.txt"));
    pbx = TestAmiServer.start("crm", "pbx-secret-1");
    t = TestApp.start(Map.of("DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()),
        "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1", "DOZVON_RECORDINGS_DIR", folder.toString()));
    eventually("AMI connected", () -> "CONNECTED".equals(t.app.telephony().state()));
    anna = t.createManager("Anna", "101", 5).getString("token");
    boris = t.createManager("Boris", "102", 5).getString("token");
    var now = t.app.clock().instant();
    dealId = t.app.callIntake().accept(new CallFacts("rec.seed", CallDirection.INBOUND, CallOutcome.NO_ANSWER, true,
        PhoneNumbers.parse("+79031112233"), "+79031112233", false, "74951234567", null, null, now.minusSeconds(900),
        null, now.minusSeconds(880), 20, 0, false), now).await(10, TimeUnit.SECONDS).dealId();
    // answered.ami with the dialplan's Set(DOZVON_RECORDING=...) before MixMonitor, once the operator answered
    List<byte[]> events = Transcript.load("ami/pjsip/answered.ami").events();
    int firstHangup = 0;
    while (!new String(events.get(firstHangup), StandardCharsets.ISO_8859_1).startsWith("Event: Hangup")) {
      firstHangup++;
    }
    for (int i = 0; i < events.size(); i++) {
      if (i == firstHangup) {
        pbx.sendRaw("Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/pstn-trunk-00000002\r\n"
            + "Uniqueid: " + LINKEDID + "\r\nLinkedid: " + LINKEDID + "\r\nVariable: __DOZVON_RECORDING\r\n"
            + "Value: " + NAME + "\r\n\r\n");
      }
      pbx.sendRaw(events.get(i));
    }
    eventually("the call recorded", () -> sqlLong("SELECT count(*) FROM calls WHERE pbx_call_id = '" + LINKEDID + "'") == 1);
    callId = sqlLong("SELECT id FROM calls WHERE pbx_call_id = '" + LINKEDID + "'");
  }

  @AfterAll
  static void stop() {
    t.close();
    pbx.close();
  }

  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      t.app.vertx().timer(20).await();
    }
  }

  static long sqlLong(String query) {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password());
         var rs = c.createStatement().executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void recordingIs(String name) {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password());
         var s = c.prepareStatement("UPDATE calls SET recording = ? WHERE id = ?")) {
      s.setString(1, name);
      s.setLong(2, callId);
      s.executeUpdate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> get(String token, String range) {
    var req = t.get("/api/calls/" + callId + "/recording", token);
    if (range != null) {
      req.putHeader("Range", range);
    }
    return TestApp.await(req.send());
  }

  @Test
  void theRecordingIsOnTheCallAndTheCardAndServedWithRanges() {
    JsonObject card = TestApp.await(t.get("/api/deals/" + dealId, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject();
    JsonObject answered = card.getJsonArray("calls").stream().map(o -> (JsonObject) o)
        .filter(c -> LINKEDID.equals(c.getString("pbxCallId"))).findFirst().orElseThrow();
    assertThat(answered.getString("recordingUrl")).isEqualTo("/api/calls/" + callId + "/recording");
    assertThat(card.getJsonArray("calls").stream().map(o -> (JsonObject) o)
        .filter(c -> "rec.seed".equals(c.getString("pbxCallId"))).findFirst().orElseThrow().getValue("recordingUrl"))
        .as("a call nobody recorded").isNull();

    var whole = get(TestApp.ADMIN_TOKEN, null);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.getHeader("Content-Type")).isEqualTo("audio/wav");
    assertThat(whole.getHeader("Accept-Ranges")).isEqualTo("bytes");
    assertThat(whole.body().getBytes()).isEqualTo(audio);

    var part = get(TestApp.ADMIN_TOKEN, "bytes=10-19");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.getHeader("Content-Range")).isEqualTo("bytes 10-19/1000");
    assertThat(part.body().getBytes()).isEqualTo(Arrays.copyOfRange(audio, 10, 20));
    var tail = get(TestApp.ADMIN_TOKEN, "bytes=-5");
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body().getBytes()).isEqualTo(Arrays.copyOfRange(audio, 995, 1000));
    var open = get(TestApp.ADMIN_TOKEN, "bytes=990-");
    assertThat(open.getHeader("Content-Range")).isEqualTo("bytes 990-999/1000");
    assertThat(open.body().length()).isEqualTo(10);
    var beyond = get(TestApp.ADMIN_TOKEN, "bytes=1000-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.getHeader("Content-Range")).isEqualTo("bytes */1000");
  }

  @Test
  void onlyStaffAndTheCallsOperatorMayListen() {
    assertThat(get(anna, "bytes=0-0").statusCode()).as("Anna's extension took the call").isEqualTo(206);
    assertThat(get(boris, null).statusCode()).isEqualTo(403);
    assertThat(get(null, null).statusCode()).isEqualTo(401);
    assertThat(TestApp.await(t.get("/api/calls/999999/recording", TestApp.ADMIN_TOKEN).send()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void namesLeadingOutOfTheFolderAreRefusedAndNeverServed() {
    try {
      for (String escape : List.of("../secret.txt", "2026/../../secret.txt", "/etc/passwd", "escape.wav")) {
        recordingIs(escape);
        var r = get(TestApp.ADMIN_TOKEN, null);
        assertThat(r.statusCode()).as(escape).isEqualTo(403);
        assertThat(r.bodyAsString()).as(escape).doesNotContain("not a recording").doesNotContain("root:");
      }
      recordingIs("2026/12/01/missing.wav");
      assertThat(get(TestApp.ADMIN_TOKEN, null).statusCode()).isEqualTo(404);
    } finally {
      recordingIs(NAME);
    }
  }
}
