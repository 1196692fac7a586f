package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The whole path with real parts: a TCP AMI server replays real transcripts to the real
 * Asterisk-Java client inside the running service, whose CallTracker closes each call, which is
 * stored once in the real PostgreSQL and, when missed, becomes a deal readable over HTTP.
 */
class MissedCallEndToEndTest {

  static TestAmiServer pbx;
  static TestApp t;

  @BeforeAll
  static void start() {
    pbx = TestAmiServer.start("crm", "pbx-secret-1");
    t = TestApp.start(Map.of("DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()),
        "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1"));
    eventually("AMI connected", () -> "CONNECTED".equals(t.app.telephony().state()));
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

  static Map<String, Object> call(String linkedid) {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password());
         PreparedStatement s = c.prepareStatement(
             "SELECT c.*, d.source AS deal_source, d.status AS deal_status FROM calls c "
                 + "LEFT JOIN deals d ON d.id = c.deal_id WHERE pbx_call_id = ?")) {
      s.setString(1, linkedid);
      ResultSet rs = s.executeQuery();
      if (!rs.next()) {
        return null;
      }
      Map<String, Object> row = new HashMap<>();
      for (String col : List.of("outcome", "direction", "customer_phone", "withheld", "missed", "deal_id",
          "deal_source", "operator_ext", "queue", "expired")) {
        row.put(col, rs.getObject(col));
      }
      assertThat(rs.next()).as("one row per PBX call").isFalse();
      return row;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(String sql) {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password())) {
      ResultSet rs = c.createStatement().executeQuery(sql);
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> replay(String file, String linkedid) {
    pbx.sendRaw(Transcript.load(file).bytes());
    eventually(linkedid + " recorded", () -> call(linkedid) != null);
    return call(linkedid);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      ami/missed.ami                          | 1795551887.0   | NO_ANSWER        | +79161234567 | true
      ami/queue_abandon.ami                   | 1795551900.8   | QUEUE_ABANDONED  | +79257654321 | true
      ami/pjsip/missed.ami                    | 1795554549.0   | NO_ANSWER        | +79161234567 | true
      ami/scenarios/caller_hangup_ringing.ami | 1795555000.40  | CALLER_ABANDONED | +79161234567 | true
      ami/scenarios/queue_abandon_ringing.ami | 1795555100.50  | QUEUE_ABANDONED  | +79257654321 | true
      ami/scenarios/busy_operator.ami         | 1795555200.60  | BUSY             | +79031112233 | true
      ami/scenarios/unreachable_operator.ami  | 1795555300.70  | UNAVAILABLE      | +79154443322 | true
      ami/scenarios/after_hours.ami           | 1795555400.80  | AFTER_HOURS      | +79161234567 | true
      ami/scenarios/carrier_8_prefix.ami      | 1795555540.94  | NO_ANSWER        | +79161234567 | true
      ami/scenarios/withheld.ami              | 1795555500.90  | NO_ANSWER        | -            | false
      ami/answered.ami                        | 1795551893.4   | ANSWERED         | +79031112233 | false
      ami/queue_answered.ami                  | 1795551913.20  | ANSWERED         | +79154443322 | false
      ami/c2c_busy.ami                        | 1795551949.36  | BUSY             | +79161234562 | false
      """)
  void eachTranscriptIsStoredOnceAndMissedCallsBecomeDeals(String file, String linkedid, String outcome,
                                                          String phone, boolean missedDeal) {
    Map<String, Object> row = replay(file, linkedid);
    assertThat(row.get("outcome")).isEqualTo(outcome);
    assertThat(row.get("customer_phone")).isEqualTo(phone);
    if (missedDeal) {
      assertThat(row.get("missed")).isEqualTo(true);
      assertThat(row.get("deal_id")).as("a missed call lands on a deal").isNotNull();
      assertThat(row.get("deal_source")).isEqualTo("missed_call");
      var deals = TestApp.await(t.get("/api/deals?phone=" + phone.replace("+", "%2B"), TestApp.ADMIN_TOKEN).send())
          .bodyAsJsonArray();
      assertThat(deals.stream().filter(d -> "OPEN".equals(((io.vertx.core.json.JsonObject) d).getString("status"))))
          .as("one open deal per number").hasSize(1);
    } else if (phone == null) {
      assertThat(row.get("withheld")).isEqualTo(true);
      assertThat(row.get("deal_id")).as("a withheld caller never becomes a deal").isNull();
    } else {
      if (row.get("deal_id") != null) {
        assertThat(row.get("deal_source")).as("linked only to a deal an earlier missed call made")
            .isEqualTo("missed_call");
      }
      assertThat(count("SELECT count(*) FROM deals d JOIN contacts k ON k.id = d.contact_id "
          + "WHERE k.phone = '" + phone + "' AND d.source <> 'missed_call'")).isZero();
    }
    // The same events again (a PBX replay, a duplicate feed) change nothing.
    long calls = count("SELECT count(*) FROM calls");
    pbx.sendRaw(Transcript.load(file).bytes());
    pbx.sendRaw(Transcript.load("ami/scenarios/internal_call.ami").bytes());
    eventually("internal call recorded", () -> call("1795556000.140") != null);
    assertThat(count("SELECT count(*) FROM calls WHERE pbx_call_id = '" + linkedid + "'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM calls")).isLessThanOrEqualTo(calls + 1);
  }

  @Test
  void theSameNumberMissingTwiceAtOnceMakesOneDealWithBothCalls() {
    Transcript both = Transcript.load("ami/scenarios/same_number_twice.ami");
    String text = new String(both.bytes(), StandardCharsets.ISO_8859_1);
    List<String> linkedids = new ArrayList<>();
    for (String line : text.split("\r\n")) {
      if (line.startsWith("Linkedid: ") && !linkedids.contains(line.substring(10))) {
        linkedids.add(line.substring(10));
      }
    }
    assertThat(linkedids).hasSize(2);
    pbx.sendRaw(both.bytes());
    eventually("both calls recorded", () -> call(linkedids.get(0)) != null && call(linkedids.get(1)) != null);
    Object deal1 = call(linkedids.get(0)).get("deal_id");
    Object deal2 = call(linkedids.get(1)).get("deal_id");
    assertThat(deal1).isNotNull().isEqualTo(deal2);
  }

  @Test
  void garbageUnknownEventsAndBrokenFieldsAreSurvivedAndNoCallIsLost() {
    pbx.sendRaw("this is not AMI at all\r\n\r\n");
    pbx.sendRaw("Event: SomethingNew\r\nFoo: bar\r\n\r\n");
    pbx.sendRaw("Event: Hangup\r\nChannel: PJSIP/x-1\r\n\r\n");
    pbx.sendRaw("Event: Newchannel\r\nLinkedid: broken.1\r\nChannelState: notanumber\r\n\r\n");
    Map<String, Object> row = replay("ami/scenarios/voicemail.ami", "1795555450.85");
    assertThat(row.get("outcome")).isEqualTo("VOICEMAIL");
    assertThat(row.get("deal_id")).isNotNull();
    assertThat(t.app.telephony().state()).isEqualTo("CONNECTED");
  }

  @Test
  void aCallThatEndsWhileDisconnectedIsClosedByTheResyncAndRecorded() {
    List<byte[]> events = Transcript.load("ami/scenarios/unregistered_operator.ami").events();
    int firstHangup = 0;
    for (int i = 0; i < events.size(); i++) {
      if (new String(events.get(i), StandardCharsets.ISO_8859_1).startsWith("Event: Hangup")) {
        firstHangup = i;
        break;
      }
    }
    for (int i = 0; i < firstHangup; i++) {
      pbx.sendRaw(events.get(i));
    }
    eventually("call followed", () -> t.app.telephony().liveCalls() > 0);
    // The link breaks mid-call; the call ends on the PBX meanwhile; the resync finds no live channel.
    pbx.dropConnections();
    eventually("recorded after resync", () -> call("1795555350.75") != null);
    Map<String, Object> row = call("1795555350.75");
    assertThat(row.get("missed")).isEqualTo(true);
    assertThat(row.get("deal_id")).isNotNull();
    eventually("reconnected", () -> "CONNECTED".equals(t.app.telephony().state()));
    assertThat(pbx.countActions("CoreShowChannels")).isGreaterThanOrEqualTo(2);
  }

  static String pause(String iface, boolean paused) {
    return "Event: QueueMemberPause\r\nPrivilege: agent,all\r\nQueue: sales\r\nMemberName: Operator\r\n"
        + "Interface: " + iface + "\r\nStateInterface: " + iface + "\r\nMembership: static\r\nPenalty: 0\r\n"
        + "CallsTaken: 0\r\nLastCall: 0\r\nLastPause: 0\r\nInCall: 0\r\nStatus: 1\r\nPaused: " + (paused ? 1 : 0)
        + "\r\nPausedReason: " + (paused ? "lunch" : "") + "\r\nRinginuse: 0\r\nWrapuptime: 0\r\n\r\n";
  }

  @Test
  void anOperatorPausedOnThePbxGetsNoLeadsUntilUnpaused() {
    var op = t.createManager("Pavel", "177", 5);
    long id = op.getLong("id");
    TestApp.await(t.patch("/api/managers/" + id, TestApp.ADMIN_TOKEN)
        .sendJsonObject(new io.vertx.core.json.JsonObject().put("state", "ON_SHIFT")));
    pbx.sendRaw(pause("PJSIP/177", true));
    eventually("PBX pause recorded", () -> TestApp.await(t.get("/api/managers/" + id, TestApp.ADMIN_TOKEN).send())
        .bodyAsJsonObject().getBoolean("pbxPaused"));
    // nobody else may take it
    for (var m : TestApp.await(t.get("/api/managers", TestApp.ADMIN_TOKEN).send()).bodyAsJsonArray()) {
      long other = ((io.vertx.core.json.JsonObject) m).getLong("id");
      if (other != id) {
        TestApp.await(t.patch("/api/managers/" + other, TestApp.ADMIN_TOKEN)
            .sendJsonObject(new io.vertx.core.json.JsonObject().put("state", "OFF")));
      }
    }
    Map<String, Object> row = replay("ami/scenarios/queue_abandon_ringing.ami", "1795555100.50");
    long deal = ((Number) row.get("deal_id")).longValue();
    var waiting = TestApp.await(t.get("/api/deals/" + deal, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject();
    assertThat(waiting.getValue("managerId")).as("a paused operator takes no lead").isNull();

    pbx.sendRaw(pause("PJSIP/177", false));
    eventually("assigned once unpaused", () -> Long.valueOf(id).equals(TestApp.await(
        t.get("/api/deals/" + deal, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject().getLong("managerId")));
  }

  @Test
  void healthShowsTheAmiLink() {
    var r = TestApp.await(t.http.get("/health").send());
    assertThat(r.bodyAsJsonObject().getString("ami")).isEqualTo("CONNECTED");
  }
}
