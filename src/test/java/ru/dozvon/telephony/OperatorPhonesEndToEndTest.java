package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * Operators' phones from the PBX, with real parts: the test AMI server answers the resync's phone lists and
 * sends state changes over TCP to the real Asterisk-Java client in the running service; the state lands on
 * the managers (GET /api/managers), on the live stream (read by a real client) and in routing's decisions.
 */
class OperatorPhonesEndToEndTest {

  static TestAmiServer pbx;
  static TestApp t;

  @BeforeAll
  static void start() {
    pbx = TestAmiServer.start("crm", "pbx-secret-1");
    pbx.addPhoneListItem("DeviceStateList", "DeviceStateChange", Map.of("Device", "PJSIP/301", "State", "NOT_INUSE"));
    pbx.addPhoneListItem("DeviceStateList", "DeviceStateChange", Map.of("Device", "PJSIP/302", "State", "UNAVAILABLE"));
    pbx.addPhoneListItem("DeviceStateList", "DeviceStateChange", Map.of("Device", "Queue:sales_avail", "State", "INUSE"));
    pbx.addPhoneListItem("ExtensionStateList", "ExtensionStatus", Map.of("Exten", "303", "Context", "operators",
        "Hint", "PJSIP/303", "Status", "1", "StatusText", "InUse"));
    pbx.addPhoneListItem("PJSIPShowContacts", "ContactList", Map.of("ObjectType", "contact",
        "ObjectName", "304/sip:304@10.0.0.4:5060", "Endpoint", "304", "Aor", "304", "Status", "Reachable"));
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

  static long onShift(String name, String extension) {
    long id = t.createManager(name, extension, 5).getLong("id");
    state(id, "ON_SHIFT");
    return id;
  }

  static void state(long id, String state) {
    var r = TestApp.await(t.patch("/api/managers/" + id, TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("state", state)));
    assertThat(r.statusCode()).isEqualTo(200);
  }

  static String phoneState(long id) {
    return TestApp.await(t.get("/api/managers/" + id, TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject()
        .getString("phoneState");
  }

  static void everyoneElseOff(long... keep) {
    for (Object m : TestApp.await(t.get("/api/managers", TestApp.ADMIN_TOKEN).send()).bodyAsJsonArray()) {
      long id = ((JsonObject) m).getLong("id");
      if (java.util.Arrays.stream(keep).noneMatch(k -> k == id)) {
        state(id, "OFF");
      }
    }
  }

  static void sql(String statement) {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password())) {
      c.createStatement().execute(statement);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String event(String type, String... fields) {
    StringBuilder sb = new StringBuilder("Event: ").append(type).append("\r\nPrivilege: call,all\r\n");
    for (int i = 0; i + 1 < fields.length; i += 2) {
      sb.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  @Test
  void afterEveryReconnectThePhonesAreListedAgainAndShownOnTheManagers() {
    long a = onShift("Alla", "301");
    long b = onShift("Boris", "302");
    long c = onShift("Vera", "303");
    long d = onShift("Gleb", "304");
    assertThat(phoneState(a)).as("created after the first resync: nothing known yet").isEqualTo("UNKNOWN");
    long lists = pbx.countActions("DeviceStateList");
    pbx.dropConnections();
    eventually("listed again after the reconnect", () -> pbx.countActions("DeviceStateList") > lists
        && "AVAILABLE".equals(phoneState(a)));
    eventually("every phone's state", () -> "UNAVAILABLE".equals(phoneState(b)) && "IN_USE".equals(phoneState(c)));
    eventually("registered by the contact list: " + phoneState(d), () -> "AVAILABLE".equals(phoneState(d)));
    assertThat(pbx.countActions("ExtensionStateList")).isGreaterThanOrEqualTo(2);
    assertThat(pbx.countActions("PJSIPShowContacts")).isGreaterThanOrEqualTo(2);
    JsonArray all = TestApp.await(t.get("/api/managers", TestApp.ADMIN_TOKEN).send()).bodyAsJsonArray();
    assertThat(all.stream().map(m -> ((JsonObject) m).getString("phoneState"))).doesNotContainNull();
    assertThat(t.app.telephony().phones().idle("301")).isTrue();
    assertThat(t.app.telephony().phones().idle("303")).as("in use: the dialer places nothing").isFalse();
    assertThat(t.app.telephony().phones().idle("399")).as("unknown phone: not held against anyone").isTrue();
    everyoneElseOff();
  }

  @Test
  void routingHandsNoLeadToAnUnregisteredOrBusyPhoneAndHandsItOutWhenThePhoneIsBack() throws Exception {
    long unregistered = onShift("Dina", "311");
    long busy = onShift("Egor", "312");
    everyoneElseOff(unregistered, busy);
    String token = TestApp.await(t.post("/api/managers/" + unregistered + "/token", TestApp.ADMIN_TOKEN).send())
        .bodyAsJsonObject().getString("token");
    try (SseStream dina = new SseStream(t.app.vertx(), t.app.httpPort(), token)) {
      pbx.sendRaw(event("ContactStatus", "URI", "sip:311@10.0.0.11:5060", "ContactStatus", "Removed", "AOR", "311",
          "EndpointName", "311"));
      pbx.sendRaw(event("DeviceStateChange", "Device", "PJSIP/312", "State", "INUSE"));
      eventually("both phones known", () -> "UNREGISTERED".equals(phoneState(unregistered))
          && "IN_USE".equals(phoneState(busy)));
      eventually("Dina's stream told", () -> !dina.of("manager.phone").isEmpty());
      assertThat(dina.of("manager.phone").get(0).event().getJsonObject("data").getString("phoneState"))
          .isEqualTo("UNREGISTERED");

      var now = t.app.clock().instant();
      var rec = t.app.callIntake().accept(new ru.dozvon.deals.CallFacts("phones.1", ru.dozvon.call.CallDirection.INBOUND,
          ru.dozvon.call.CallOutcome.NO_ANSWER, true, ru.dozvon.phone.PhoneNumbers.parse("+79161110311"),
          "+79161110311", false, "74951234567", null, null, now.minusSeconds(20), null, now, 20, 0, false), now)
          .await(10, TimeUnit.SECONDS);
      t.settleRouting().await(10, TimeUnit.SECONDS);
      JsonObject deal = TestApp.await(t.get("/api/deals/" + rec.dealId(), TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject();
      assertThat(deal.getValue("managerId")).as("nobody with a usable phone").isNull();
      JsonObject queue = TestApp.await(t.get("/api/routing/unassigned?limit=100", TestApp.ADMIN_TOKEN).send())
          .bodyAsJsonObject();
      String reason = queue.getJsonArray("deals").stream().map(o -> (JsonObject) o)
          .filter(o -> o.getLong("dealId").equals(rec.dealId())).findFirst().orElseThrow().getString("reason");
      assertThat(reason).contains("2 phone unusable").contains("телефон не зарегистрирован");

      // The softphone registers again: the waiting lead goes to Dina at once (as a PBX unpause does).
      pbx.sendRaw(event("ContactStatus", "URI", "sip:311@10.0.0.11:5060", "ContactStatus", "Created", "AOR", "311",
          "EndpointName", "311"));
      pbx.sendRaw(event("DeviceStateChange", "Device", "PJSIP/311", "State", "NOT_INUSE"));
      eventually("assigned once the phone is back", () -> Long.valueOf(unregistered).equals(TestApp.await(
          t.get("/api/deals/" + rec.dealId(), TestApp.ADMIN_TOKEN).send()).bodyAsJsonObject().getLong("managerId")));
      assertThat(phoneState(unregistered)).isEqualTo("AVAILABLE");
      eventually("Dina told her phone is back", () -> dina.of("manager.phone").stream()
          .anyMatch(e -> "AVAILABLE".equals(e.event().getJsonObject("data").getString("phoneState"))));
    }
    everyoneElseOff();
  }

  static long pops(SseStream s, String pbxCallId) {
    return s.of("call.ringing").stream()
        .filter(e -> pbxCallId.equals(e.event().getJsonObject("data").getString("pbxCallId"))).count();
  }

  static boolean recorded(String pbxCallId) {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password());
         var s = c.prepareStatement("SELECT 1 FROM calls WHERE pbx_call_id = ?")) {
      s.setString(1, pbxCallId);
      return s.executeQuery().next();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anInboundCallRingingAnOperatorsPhonePopsTheCallersCardOnTheirStreamOnly() throws Exception {
    String anna = t.createManager("Anna", "101", 5).getString("token");
    String boris = t.createManager("Boris", "102", 5).getString("token");
    // The caller of answered.ami has an open deal with a note and one earlier call.
    var now = t.app.clock().instant();
    var seeded = t.app.callIntake().accept(new ru.dozvon.deals.CallFacts("pop.seed", ru.dozvon.call.CallDirection.INBOUND,
        ru.dozvon.call.CallOutcome.NO_ANSWER, true, ru.dozvon.phone.PhoneNumbers.parse("+79031112233"),
        "+79031112233", false, "74951234567", null, null, now.minusSeconds(600), null, now.minusSeconds(580), 20, 0,
        false), now).await(10, TimeUnit.SECONDS);
    sql("INSERT INTO deal_history (deal_id, kind, actor, details) VALUES (" + seeded.dealId()
        + ", 'note', 'manager:1', '{\"text\": \"просил перезвонить после обеда\"}')");
    try (SseStream annas = new SseStream(t.app.vertx(), t.app.httpPort(), anna);
         SseStream boriss = new SseStream(t.app.vertx(), t.app.httpPort(), boris);
         SseStream admin = new SseStream(t.app.vertx(), t.app.httpPort(), TestApp.ADMIN_TOKEN)) {
      long sent = System.nanoTime();
      pbx.sendRaw(ru.dozvon.telephony.testami.Transcript.load("ami/pjsip/answered.ami").bytes());
      eventually("Anna's screen pop", () -> pops(annas, "1795554557.2") == 1);
      SseStream.Arrived pop = annas.of("call.ringing").get(0);
      System.out.printf(java.util.Locale.ROOT, "screen pop: %.1f ms from the transcript sent to the SSE event read%n",
          (pop.nanos() - sent) / 1e6);
      JsonObject e = pop.event();
      JsonObject data = e.getJsonObject("data");
      assertThat(e.getLong("dealId")).isEqualTo(seeded.dealId());
      assertThat(data.getString("phone")).isEqualTo("+79031112233");
      assertThat(data.getBoolean("newCustomer")).isFalse();
      assertThat(data.getString("lastNote")).isEqualTo("просил перезвонить после обеда");
      assertThat(data.getJsonArray("lastCalls")).hasSize(1);
      assertThat(data.getJsonArray("lastCalls").getJsonObject(0).getString("outcome")).isEqualTo("NO_ANSWER");

      // A queue rings Anna (AgentCalled, then DialBegin): one pop; the caller has no deal: a new customer.
      byte[] queue = ru.dozvon.telephony.testami.Transcript.load("ami/pjsip/queue_answered.ami").bytes();
      long sentAgain = System.nanoTime();
      pbx.sendRaw(queue);
      eventually("the queue's screen pop", () -> pops(annas, "1795554582.12") == 1);
      SseStream.Arrived second = annas.of("call.ringing").stream()
          .filter(x -> "1795554582.12".equals(x.event().getJsonObject("data").getString("pbxCallId"))).findFirst()
          .orElseThrow();
      System.out.printf(java.util.Locale.ROOT, "screen pop (warm): %.1f ms%n", (second.nanos() - sentAgain) / 1e6);
      JsonObject queued = second.event();
      assertThat(queued.getValue("dealId")).isNull();
      assertThat(queued.getJsonObject("data").getString("customer")).isEqualTo("новый клиент");
      assertThat(queued.getJsonObject("data").getString("phone")).isEqualTo("+79154443322");
      assertThat(queued.getJsonObject("data").getValue("lastNote")).isNull();

      // missed.ami rings Boris's phone, not Anna's.
      pbx.sendRaw(ru.dozvon.telephony.testami.Transcript.load("ami/pjsip/missed.ami").bytes());
      eventually("Boris's screen pop", () -> pops(boriss, "1795554549.0") == 1);
      eventually("every call recorded", () -> recorded("1795554549.0") && recorded("1795554582.12")
          && recorded("1795554557.2"));
      assertThat(pops(annas, "1795554582.12")).as("AgentCalled and DialBegin pop once").isEqualTo(1);
      assertThat(pops(annas, "1795554549.0")).as("not Anna's phone").isZero();
      assertThat(pops(boriss, "1795554557.2") + pops(boriss, "1795554582.12")).as("not Boris's phone").isZero();
      assertThat(admin.of("call.ringing")).as("the pop is the ringing operator's alone").isEmpty();
      assertThat(admin.of("call.ended")).as("the admin's stream is live").isNotEmpty();

      // Warm figures: one DialBegin (plus its Hangups) at a time, from the bytes written to the event read.
      long[] ms = new long[20];
      for (int i = 0; i < ms.length; i++) {
        String id = "1795559000." + i;
        long before = System.nanoTime();
        pbx.sendRaw(event("DialBegin", "Channel", "PJSIP/pstn-trunk-000001" + (10 + i), "CallerIDNum", "+79161234567",
            "Context", "from-trunk", "Exten", "74951234567", "Uniqueid", id, "Linkedid", id,
            "DestChannel", "PJSIP/101-000002" + (10 + i), "DestContext", "operators", "DestUniqueid", id + "1",
            "DestLinkedid", id));
        eventually("pop " + i, () -> pops(annas, id) == 1);
        SseStream.Arrived a = annas.of("call.ringing").stream()
            .filter(x -> id.equals(x.event().getJsonObject("data").getString("pbxCallId"))).findFirst().orElseThrow();
        ms[i] = (a.nanos() - before) / 1_000;
        pbx.sendRaw(event("Hangup", "Channel", "PJSIP/pstn-trunk-000001" + (10 + i), "Uniqueid", id, "Linkedid", id,
            "Cause", "16"));
      }
      // A withheld caller: a pop all the same, as a new customer with no calls to show.
      pbx.sendRaw(event("DialBegin", "Channel", "PJSIP/pstn-trunk-00000300", "CallerIDNum", "<unknown>",
          "Context", "from-trunk", "Exten", "74951234567", "Uniqueid", "1795559100.1", "Linkedid", "1795559100.1",
          "DestChannel", "PJSIP/101-00000301", "DestContext", "operators", "DestUniqueid", "1795559100.2",
          "DestLinkedid", "1795559100.1"));
      eventually("the withheld caller's pop", () -> pops(annas, "1795559100.1") == 1);
      JsonObject withheld = annas.of("call.ringing").stream().map(SseStream.Arrived::event)
          .filter(x -> "1795559100.1".equals(x.getJsonObject("data").getString("pbxCallId"))).findFirst().orElseThrow()
          .getJsonObject("data");
      assertThat(withheld.getValue("phone")).isNull();
      assertThat(withheld.getString("customer")).isEqualTo("новый клиент");
      assertThat(withheld.getJsonArray("lastCalls")).isEmpty();
      java.util.Arrays.sort(ms);
      System.out.printf(java.util.Locale.ROOT, "screen pop, 20 warm: median %.1f ms, max %.1f ms%n",
          ms[10] / 1000.0, ms[19] / 1000.0);
    }
  }

  @Test
  void aManagerGivenAnExtensionAfterThePbxSpokeOfItsPhoneGetsItsStateAtTheNextReconcile() {
    pbx.sendRaw(event("DeviceStateChange", "Device", "PJSIP/321", "State", "UNAVAILABLE"));
    eventually("folded", () -> t.app.telephony().phones().state("321") == ru.dozvon.call.PhoneState.UNAVAILABLE);
    long late = onShift("Zoya", "321");
    assertThat(phoneState(late)).isEqualTo("UNKNOWN");
    t.app.telephony().reconcilePhonesNow();
    eventually("reconciled", () -> "UNAVAILABLE".equals(phoneState(late)));
    // A newer change is never overwritten by an older known state: the stored one is as of a later moment.
    sql("UPDATE managers SET phone_state = 'AVAILABLE', phone_state_at = now() + interval '1 day' WHERE id = " + late);
    t.app.telephony().reconcilePhonesNow();
    t.app.vertx().timer(300).await();
    assertThat(phoneState(late)).isEqualTo("AVAILABLE");
    everyoneElseOff();
  }
}
