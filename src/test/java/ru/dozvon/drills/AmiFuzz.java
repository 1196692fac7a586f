package ru.dozvon.drills;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Bad AMI input, seeded: what a broken PBX, a proxy mangling the stream, or a hostile peer could send. Every piece
 * ends at a line boundary (a line glued to the next event's first line is lost whatever the reader does); a truncated
 * block has no blank line after it, on purpose. Ids are never those of the drill's normal calls.
 */
final class AmiFuzz {

  /** Names Asterisk-Java knows no class for (newer Asterisk, a module of its own...). */
  private static final String[] UNKNOWN = new String[20];

  static {
    for (int i = 0; i < UNKNOWN.length; i++) {
      UNKNOWN[i] = "FuzzUnknown" + i;
    }
  }

  private final Random r;
  private long forged;

  AmiFuzz(long seed) {
    this.r = new Random(seed);
  }

  /** What {@link #piece} made, by kind (for the drill's figures). */
  final long[] made = new long[Kind.values().length];

  enum Kind { RANDOM_BYTES, HUGE_HEADER, LF_ONLY, TRUNCATED, GARBAGE_FIELDS, MISSING_FIELDS }

  /** One random piece of bad input. */
  byte[] piece() {
    Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
    made[kind.ordinal()]++;
    return switch (kind) {
      case RANDOM_BYTES -> randomBytes();
      case HUGE_HEADER -> hugeHeader();
      case LF_ONLY -> ascii("Event: Newchannel\nChannel: PJSIP/fuzz-" + r.nextInt(1000) + "\nContext: fuzz\n"
          + "Uniqueid: fuzz-" + id() + "\nLinkedid: fuzz-" + id() + "\n\n");
      case TRUNCATED -> ascii("Event: Hangup\r\nPrivilege: call,all\r\nChannel: PJSIP/fuzz-" + r.nextInt(1000)
          + "\r\nUniqueid: fuzz-" + id() + "\r\n"); // no Linkedid, no blank line: the next event follows at once
      case GARBAGE_FIELDS -> garbageFields();
      case MISSING_FIELDS -> missingFields();
    };
  }

  private byte[] randomBytes() {
    byte[] b = new byte[1 + r.nextInt(2000)];
    r.nextBytes(b);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(b);
    out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  private byte[] hugeHeader() {
    String huge = "A".repeat(1 << 20);
    return r.nextBoolean()
        ? ascii("Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/fuzz-1\r\nUniqueid: fuzz-" + id()
            + "\r\nLinkedid: fuzz-" + id() + "\r\nVariable: FUZZ\r\nValue: " + huge + "\r\n\r\n")
        : ascii(huge + "\r\n\r\n"); // a megabyte line of no header at all
  }

  private byte[] garbageFields() {
    String linkedid = "fuzz-" + id();
    return switch (r.nextInt(5)) {
      case 0 -> ascii("Event: Hangup\r\nChannel: \u00ff\u00fe\r\nUniqueid: " + linkedid + "\r\nLinkedid: " + linkedid
          + "\r\nCause: not-a-number\r\nTimestamp: yesterday\r\n\r\n");
      case 1 -> ascii("Event: DialEnd\r\nChannel: PJSIP/fuzz\r\nUniqueid: " + linkedid + "\r\nLinkedid: "
          + linkedid + "\r\nDestUniqueid: fuzz-" + id() + "\r\nDialStatus: " + "X".repeat(r.nextInt(300)) + "\r\n\r\n");
      case 2 -> ascii("Event: Newchannel\r\nChannel: PJSIP/fuzz\r\nContext: fuzz-" + r.nextInt()
          + "\r\nUniqueid: " + linkedid + "\r\nUniqueid: twice\r\nLinkedid: " + linkedid
          + "\r\nChannelState: many\r\n\r\n");
      case 3 -> ascii("Event: CoreShowChannel\r\nChannel: PJSIP/fuzz\r\nUniqueid: " + linkedid + "\r\nLinkedid: "
          + linkedid + "\r\nDuration: xx:yy:zz\r\nBridgeId: \r\n\r\n");
      default -> ascii("Event: AgentConnect\r\nQueue: \r\nInterface: ;;;\r\nLinkedid: " + linkedid
          + "\r\nHoldTime: -1e99\r\n\r\n");
    };
  }

  private byte[] missingFields() {
    return switch (r.nextInt(3)) {
      case 0 -> ascii("Event: Hangup\r\n\r\n");
      case 1 -> ascii("Event: DialBegin\r\nDialString: 101\r\n\r\n");
      default -> ascii("Event:\r\nLinkedid: fuzz-" + id() + "\r\n\r\n");
    };
  }

  /** {@code count} events of names Asterisk-Java does not know: 90% of 20 names, 10% each a name of its own. */
  byte[] unknownEvents(int count) {
    StringBuilder sb = new StringBuilder(count * 64);
    for (int i = 0; i < count; i++) {
      String name = r.nextInt(10) == 0 ? "FuzzRandom" + Long.toHexString(r.nextLong()) : UNKNOWN[r.nextInt(20)];
      sb.append("Event: ").append(name).append("\r\nPrivilege: call,all\r\nSeq: ").append(i).append("\r\n\r\n");
    }
    return ascii(sb.toString());
  }

  /** One Linkedid with {@code channels} channels, every one created, then every one hung up (the first last). */
  byte[] hugeCall(String linkedid, int channels) {
    StringBuilder sb = new StringBuilder(channels * 200);
    for (int i = 0; i < channels; i++) {
      String uid = i == 0 ? linkedid : linkedid + "-" + i;
      sb.append("Event: Newchannel\r\nPrivilege: call,all\r\nChannel: Local/").append(i).append("@fuzz-0000;1")
          .append("\r\nContext: fuzz\r\nExten: s\r\nUniqueid: ").append(uid).append("\r\nLinkedid: ").append(linkedid)
          .append("\r\n\r\n");
    }
    for (int i = channels - 1; i >= 0; i--) {
      String uid = i == 0 ? linkedid : linkedid + "-" + i;
      sb.append("Event: Hangup\r\nPrivilege: call,all\r\nChannel: Local/").append(i).append("@fuzz-0000;1")
          .append("\r\nContext: fuzz\r\nUniqueid: ").append(uid).append("\r\nLinkedid: ").append(linkedid)
          .append("\r\nCause: 16\r\n\r\n");
    }
    return ascii(sb.toString());
  }

  /** {@code count} calls nobody saw start and that never end: a state change of a channel of each. */
  byte[] forgedCalls(int count) {
    StringBuilder sb = new StringBuilder(count * 160);
    for (int i = 0; i < count; i++) {
      String linkedid = "fuzz-forged-" + (forged++);
      sb.append("Event: Newstate\r\nPrivilege: call,all\r\nChannel: PJSIP/fuzz-").append(i)
          .append("\r\nChannelState: 6\r\nContext: fuzz\r\nExten: s\r\nUniqueid: ").append(linkedid).append("-1")
          .append("\r\nLinkedid: ").append(linkedid).append("\r\n\r\n");
    }
    return ascii(sb.toString());
  }

  private long id() {
    return r.nextLong() & Long.MAX_VALUE;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
