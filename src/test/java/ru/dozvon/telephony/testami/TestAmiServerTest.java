package ru.dozvon.telephony.testami;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The test server itself, driven by a raw socket client (no Asterisk-Java involved). */
class TestAmiServerTest {

  private TestAmiServer server;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  @BeforeEach
  void connect() throws IOException {
    server = TestAmiServer.start("crm", "pw");
    socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(5000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  @AfterEach
  void close() throws IOException {
    socket.close();
    server.close();
  }

  private void send(String... lines) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l).append("\r\n");
    }
    out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private AmiMessage read() throws IOException {
    return TestAmiServer.readMessage(in);
  }

  private void login() throws IOException {
    assertThat(TestAmiServer.readLine(in)).isEqualTo("Asterisk Call Manager/11.0.0");
    send("action: Challenge", "actionid: 1_0#", "authtype: MD5");
    String nonce = read().get("Challenge");
    send("action: Login", "actionid: 1_1#", "username: crm", "authtype: MD5", "key: " + TestAmiServer.md5Hex(nonce + "pw"));
    assertThat(read().get("Message")).isEqualTo("Authentication accepted");
    send("action: CoreSettings", "actionid: 1_2#");
    AmiMessage settings = read();
    assertThat(settings.get("AMIversion")).isEqualTo("11.0.0");
    assertThat(settings.get("AsteriskVersion")).isEqualTo("22.10.1");
  }

  @Test
  void greetingChallengeLoginAndVersionProbe() throws IOException {
    login();
    assertThat(server.acceptedLogins()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource({"crm, wrong", "other, pw", "'', pw"})
  void wrongCredentialsAreRefusedAndTheConnectionClosed(String user, String secret) throws IOException {
    TestAmiServer.readLine(in);
    send("action: Challenge", "actionid: a#1", "authtype: MD5");
    String nonce = read().get("Challenge");
    send("action: Login", "actionid: a#2", "username: " + user, "authtype: MD5", "key: " + TestAmiServer.md5Hex(nonce + secret));
    AmiMessage r = read();
    assertThat(r.get("Response")).isEqualTo("Error");
    assertThat(r.get("Message")).isEqualTo("Authentication failed");
    assertThat(r.actionId()).isEqualTo("a#2");
    assertThat(in.read()).isEqualTo(-1);
    assertThat(server.refusedLogins()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "825658265_1#",
      "825658265_7#dozvon-originate-3",
      "weird id with spaces ; and : colons",
  })
  void pingIsAnsweredWithTheActionIdByteForByte(String actionId) throws IOException {
    login();
    send("action: Ping", "actionid: " + actionId);
    AmiMessage pong = read();
    assertThat(pong.get("Response")).isEqualTo("Success");
    assertThat(pong.get("Ping")).isEqualTo("Pong");
    assertThat(pong.get("Timestamp")).matches("\\d+\\.\\d{6}");
    assertThat(pong.actionId()).isEqualTo(actionId);
  }

  @Test
  void unknownActionsGetAnError() throws IOException {
    login();
    send("action: FlyToTheMoon", "actionid: x1");
    AmiMessage r = read();
    assertThat(r.get("Response")).isEqualTo("Error");
    assertThat(r.get("Message")).isEqualTo("Invalid/unknown command");
  }

  @Test
  void coreShowChannelsListsTheConfiguredChannelsThenCompletes() throws IOException {
    server.addLiveChannel(Map.of("Channel", "PJSIP/a-1", "Linkedid", "1.0"));
    server.addLiveChannel(Map.of("Channel", "PJSIP/b-2", "Linkedid", "1.0"));
    login();
    send("action: CoreShowChannels", "actionid: c1");
    assertThat(read().get("EventList")).isEqualTo("start");
    List<AmiMessage> events = new ArrayList<>();
    AmiMessage m;
    do {
      m = read();
      events.add(m);
    } while (!"CoreShowChannelsComplete".equals(m.get("Event")));
    assertThat(events).extracting(e -> e.get("Event"))
        .containsExactly("CoreShowChannel", "CoreShowChannel", "CoreShowChannelsComplete");
    assertThat(events).allMatch(e -> "c1".equals(e.actionId()));
    assertThat(events.get(2).get("ListItems")).isEqualTo("2");
  }

  @Test
  void originateIsQueuedThenAnsweredByAnEventWithTheSameActionId() throws IOException {
    server.originateOutcome(TestAmiServer.OriginateOutcome.busy());
    login();
    send("action: Originate", "actionid: 9_9#orig-1", "channel: Local/101@operator-phone", "exten: 100", "async: true");
    assertThat(read().get("Message")).isEqualTo("Originate successfully queued");
    AmiMessage ev = read();
    assertThat(ev.get("Event")).isEqualTo("OriginateResponse");
    assertThat(ev.actionId()).isEqualTo("9_9#orig-1");
    assertThat(ev.get("Reason")).isEqualTo("5");
    assertThat(ev.get("Response")).isEqualTo("Failure");
  }

  @Test
  void replayStartsAfterTheVersionProbeAndIsTheTranscriptByteForByte() throws IOException {
    Transcript missed = Transcript.load("ami/missed.ami");
    server.replayOnLogin(missed);
    login();
    byte[] got = in.readNBytes(missed.bytes().length);
    assertThat(got).isEqualTo(missed.bytes());
    assertThat(missed.size()).isEqualTo(80);
    assertThat(missed.countByType()).containsEntry("Hangup", 4L).containsEntry("Cdr", 1L).doesNotContainKey("Response");
  }

  @Test
  void logoffSaysGoodbyeAndCloses() throws IOException {
    login();
    send("action: Logoff", "actionid: z");
    assertThat(read().get("Response")).isEqualTo("Goodbye");
    assertThat(in.read()).isEqualTo(-1);
  }
}
