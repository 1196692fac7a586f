package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bounded AMI socket over a real loopback connection: what Asterisk-Java's reader gets from what is sent. */
class BoundedAmiSocketTest {

  private final AtomicInteger tooLong = new AtomicInteger();
  private final AtomicInteger cut = new AtomicInteger();
  private final AtomicInteger typeDropped = new AtomicInteger();
  private final BoundedAmiSocket.Counts counts = new BoundedAmiSocket.Counts() {
    @Override
    public void lineTooLong() {
      tooLong.incrementAndGet();
    }

    @Override
    public void eventCut() {
      cut.incrementAndGet();
    }

    @Override
    public void eventTypeDropped() {
      typeDropped.incrementAndGet();
    }
  };
  private ServerSocket server;

  @AfterEach
  void close() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void linesEndAtLfWithOrWithoutCrAndAreSplitAcrossReads() throws Exception {
    List<String> lines = read(new BoundedAmiSocket.Limits(1024, 4096, 10),
        "Event: Hangup\r\nUniqueid: 1.1\nCause: 16\r\n\r\nEvent: Newchannel\n\n"
            + "Tail: " + "y".repeat(900) + "\r\n");
    assertThat(lines).containsExactly("Event: Hangup", "Uniqueid: 1.1", "Cause: 16", "", "Event: Newchannel", "",
        "Tail: " + "y".repeat(900));
    assertThat(tooLong.get() + cut.get() + typeDropped.get()).isZero();
  }

  @Test
  void anEventHeaderInsideABlockStartsANewOneSoATruncatedBlockDoesNotSwallowTheNextEvent() throws Exception {
    List<String> lines = read(new BoundedAmiSocket.Limits(1024, 4096, 10),
        "Event: Hangup\r\nLinkedid: 5.5\r\nEvent: Newchannel\r\nUniqueid: 6.6\r\n\r\n  EVENT : Cdr\r\nA: b\r\n\r\n"
            + "Event: Cdr\r\nUserEvent: x\r\n event: Hangup\r\n\r\n");
    assertThat(lines).containsExactly("Event: Hangup", "Linkedid: 5.5", "", "Event: Newchannel", "Uniqueid: 6.6", "",
        "  EVENT : Cdr", "A: b", "", "Event: Cdr", "UserEvent: x", "", " event: Hangup", "");
  }

  @Test
  void aMegabyteLineIsDroppedWholeAndTheEventKeepsItsOtherHeaders() throws Exception {
    String huge = "Variable: " + "A".repeat(1 << 20);
    List<String> lines = read(new BoundedAmiSocket.Limits(65_536, 262_144, 10),
        "Event: Hangup\r\nLinkedid: 1.1\r\n" + huge + "\r\nUniqueid: 1.1\r\n\r\nEvent: Hangup\r\nUniqueid: 2.2\r\n\r\n");
    assertThat(lines).containsExactly("Event: Hangup", "Linkedid: 1.1", "Uniqueid: 1.1", "", "Event: Hangup",
        "Uniqueid: 2.2", "");
    assertThat(tooLong.get()).isEqualTo(1);
  }

  @Test
  void aBlockOverTheCapIsCutAndItsBlankLineStillEndsIt() throws Exception {
    StringBuilder block = new StringBuilder("Event: Newchannel\r\nLinkedid: 3.3\r\n");
    for (int i = 0; i < 1000; i++) {
      block.append("X-").append(i).append(": ").append("v".repeat(20)).append("\r\n");
    }
    List<String> lines = read(new BoundedAmiSocket.Limits(1024, 2048, 10),
        block + "\r\nEvent: Hangup\r\nUniqueid: 3.3\r\n\r\n");
    int blank = lines.indexOf("");
    assertThat(lines.subList(0, 2)).containsExactly("Event: Newchannel", "Linkedid: 3.3");
    assertThat(String.join("\r\n", lines.subList(0, blank)).length()).isLessThanOrEqualTo(2048);
    assertThat(lines.subList(blank, lines.size())).containsExactly("", "Event: Hangup", "Uniqueid: 3.3", "");
    assertThat(cut.get()).isEqualTo(1);
  }

  @Test
  void pastTheTypeCapNewNamesAreDroppedButNamesDozvonReadsAndNamesSeenPass() throws Exception {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append("Event: Junk").append(i).append("\r\nA: b\r\n\r\n");
    }
    s.append("Event: Junk0\r\nA: again\r\n\r\nEvent: Hangup\r\nUniqueid: 4.4\r\n\r\n");
    List<String> lines = read(new BoundedAmiSocket.Limits(1024, 4096, 3), s.toString());
    assertThat(lines).containsExactly("Event: Junk0", "A: b", "", "Event: Junk1", "A: b", "", "Event: Junk2", "A: b",
        "", "", "", "Event: Junk0", "A: again", "", "Event: Hangup", "Uniqueid: 4.4", "");
    assertThat(typeDropped.get()).isEqualTo(2);
    assertThat(AmiEventMapper.READ_EVENT_NAMES).contains("hangup", "newchannel", "coreshowchannel", "varset",
        "coreshowchannelscomplete", "newcallerid", "originateresponse");
  }

  @Test
  void eventsOfTypesNeverReadAreDroppedWholeUncountedAndOnlyTheirBlankLinePasses() throws Exception {
    String text = "Event: Newexten\r\nChannel: PJSIP/a-1\r\nApplication: Dial\r\n\r\n"
        + "Event: Hangup\r\nUniqueid: 1.1\r\n\r\n"
        + "event : DIALSTATE\nChannel: x\nEvent: Newchannel\r\nUniqueid: 2.2\r\n\r\n" // truncated: the next starts
        + "Event: Newexten\r\nData: " + "d".repeat(20_000) + "\r\n  Extra: y\r\nexten: 1\r\n\r\n" // across reads
        + "Event: Newexten\r\nChannel: torn at the end";
    List<String> lines = read(new BoundedAmiSocket.Limits(65_536, 262_144, 10), Set.of("newexten", "dialstate"), text);
    assertThat(lines).containsExactly("", "Event: Hangup", "Uniqueid: 1.1", "", "", "Event: Newchannel",
        "Uniqueid: 2.2", "", "");
    assertThat(tooLong.get() + cut.get() + typeDropped.get()).as("types never read are not input errors").isZero();
  }

  @Test
  void skippingTypesNeverReadChangesNothingElseInRandomStreams() throws Exception {
    // Seeded: blocks of types read and never read, headers of every shape (blank-led, lower-case "event", CR-less,
    // long, non-ASCII), blocks left without their blank line; the lines passed with the skip are those passed without
    // it, less the headers of the skipped blocks.
    Set<String> skip = Set.of("newexten", "dialstate", "cel");
    String[] types = {"Newexten", "Hangup", "DialState", "Newchannel", "CEL", "VarSet", "newexten"};
    String[] headers = {"Channel: PJSIP/a-0001", " Extra: x", "exten: 101", "Value: Привет", "Data: " + "z".repeat(300),
        "NoColonHere", "\tTabbed: y", "eXtra: e", "  event : Hangup", "Event: Newexten", "Вход: 1"};
    for (long seed = 1; seed <= 40; seed++) {
      java.util.Random r = new java.util.Random(seed);
      StringBuilder t = new StringBuilder();
      for (int b = 0; b < 60; b++) {
        t.append(r.nextInt(8) == 0 ? "  event: " : "Event: ").append(types[r.nextInt(types.length)])
            .append(r.nextBoolean() ? "\r\n" : "\n");
        for (int h = r.nextInt(6); h > 0; h--) {
          t.append(headers[r.nextInt(headers.length)]).append(r.nextInt(5) == 0 ? "\n" : "\r\n");
        }
        if (r.nextInt(6) != 0) {
          t.append("\r\n");
        }
      }
      List<String> all = read(new BoundedAmiSocket.Limits(1024, 4096, 100), Set.of(), t.toString());
      List<String> expected = new ArrayList<>();
      boolean skipping = false;
      for (int i = 0; i < all.size(); i++) {
        String l = all.get(i);
        if (l.isEmpty()) {
          skipping = false;
          expected.add(l);
          continue;
        }
        if (i == 0 || all.get(i - 1).isEmpty()) { // a block's first line
          int colon = l.indexOf(':');
          skipping = colon > 0 && l.substring(0, colon).strip().equalsIgnoreCase("event")
              && skip.contains(l.substring(colon + 1).strip().toLowerCase(java.util.Locale.ROOT));
        }
        if (!skipping) {
          expected.add(l);
        }
      }
      assertThat(read(new BoundedAmiSocket.Limits(1024, 4096, 100), skip, t.toString())).as("seed %d", seed)
          .containsExactlyElementsOf(expected);
      assertThat(expected).as("seed %d skips something", seed).hasSizeLessThan(all.size());
    }
  }

  @Test
  void aTypeNeverReadIsNamedAsAsteriskJavaRegistersIt() {
    assertThat(OwnedConnection.NEVER_READ.stream().map(OwnedConnection::eventName))
        .contains("newexten", "dialstate", "rtcpsent", "cel", "newconnectedline", "bridgevideosourceupdate")
        .doesNotContainAnyElementsOf(AmiEventMapper.READ_EVENT_NAMES);
  }

  private List<String> read(BoundedAmiSocket.Limits limits, String text) throws Exception {
    return read(limits, Set.of(), text);
  }

  private List<String> read(BoundedAmiSocket.Limits limits, Set<String> skip, String text) throws Exception {
    if (server != null) {
      server.close();
    }
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread writer = new Thread(() -> {
      try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 7000) { // in pieces, as TCP may deliver them
          out.write(bytes, i, Math.min(7000, bytes.length - i));
          out.flush();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    BoundedAmiSocket socket = new BoundedAmiSocket("127.0.0.1", server.getLocalPort(), false, 5000, 10_000, limits,
        AmiEventMapper.READ_EVENT_NAMES, skip, counts);
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = socket.readLine()) != null) {
      lines.add(line);
    }
    socket.close();
    writer.join();
    return lines;
  }
}
