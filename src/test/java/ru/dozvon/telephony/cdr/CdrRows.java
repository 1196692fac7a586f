package ru.dozvon.telephony.cdr;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * CDR rows as Asterisk 22's cdr_pgsql writes them, for tests: the rows of the Cdr events in the AMI transcripts
 * (src/test/resources/ami), with their linkedid (the database row has one; the AMI Cdr event does not).
 */
final class CdrRows {

  private CdrRows() {
  }

  static Instant at(String localUtc) {
    return localUtc == null || localUtc.isEmpty() ? null : LocalDateTime.parse(localUtc.replace(' ', 'T'))
        .toInstant(ZoneOffset.UTC);
  }

  /** One row; times as cdr_pgsql prints them ("2026-11-24 20:24:47", UTC), empty answer: never answered. */
  static CdrRow row(String start, String answer, String end, String src, String dst, String dcontext, String channel,
                    String dstchannel, String lastapp, String lastdata, int billsec, String disposition,
                    String uniqueid, String linkedid, int sequence) {
    Instant s = at(start);
    Instant e = at(end);
    int duration = (int) java.time.Duration.between(s, e).toSeconds();
    return new CdrRow(s, at(answer), e, src, dst, dcontext, "\"\" <" + src + ">", channel, blank(dstchannel), lastapp,
        blank(lastdata), duration, billsec, disposition, "DOCUMENTATION", null, uniqueid, null, null, linkedid,
        sequence);
  }

  private static String blank(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  // --- PJSIP shape: trunk PJSIP/pstn-trunk-* in from-trunk, phones PJSIP/10x-* ---

  /** pjsip/missed.ami: 102 rings 5 s, nobody answers; one row. */
  static CdrRow[] pjsipMissed() {
    return new CdrRow[] {row("2026-11-24 21:09:09", "", "2026-11-24 21:09:14", "+79161234567", "74951234567",
        "from-trunk", "PJSIP/pstn-trunk-00000000", "PJSIP/102-00000001", "Dial", "PJSIP/102,5", 0, "NO ANSWER",
        "1795554549.0", "1795554549.0", 1)};
  }

  /** caller_hangup_ringing.ami: the caller hangs up while 101 rings (Dial CANCEL): it reads NO ANSWER too. */
  static CdrRow[] cancelled() {
    return new CdrRow[] {row("2026-11-24 21:30:00", "", "2026-11-24 21:30:05", "+79161234567", "74951234567",
        "from-trunk", "PJSIP/pstn-trunk-00000028", "PJSIP/101-00000029", "Dial", "PJSIP/101,30", 0, "NO ANSWER",
        "1795555000.40", "1795555000.40", 40)};
  }

  /**
   * A queue call the PBX answered (music on hold) and the caller left after 40 s, while 102 and 103 rang: the
   * trunk leg reads ANSWERED (billsec 40) though no operator spoke; the members' legs NO ANSWER with an answer time
   * (party A was answered).
   */
  static CdrRow[] pjsipQueueAnsweredByPbxOnly() {
    String l = "1795560000.10";
    return new CdrRow[] {
        row("2026-11-24 22:00:00", "2026-11-24 22:00:00", "2026-11-24 22:00:40", "+79257654321", "74951234567",
            "from-trunk", "PJSIP/pstn-trunk-00000010", "", "Queue", "support,,,,60", 40, "ANSWERED", l, l, 10),
        row("2026-11-24 22:00:01", "2026-11-24 22:00:01", "2026-11-24 22:00:40", "+79257654321", "74951234567",
            "from-trunk", "PJSIP/pstn-trunk-00000010", "PJSIP/102-00000011", "Queue", "support,,,,60", 39,
            "NO ANSWER", l, l, 11),
        row("2026-11-24 22:00:01", "2026-11-24 22:00:01", "2026-11-24 22:00:40", "+79257654321", "74951234567",
            "from-trunk", "PJSIP/pstn-trunk-00000010", "PJSIP/103-00000012", "Queue", "support,,,,60", 39,
            "NO ANSWER", l, l, 12)};
  }

  /** Dial(PJSIP/101&PJSIP/102): 102 busy, 101 never answers; one row per leg, one uniqueid, two sequences. */
  static CdrRow[] ringAllNobody(String d101, String d102) {
    String l = "1795561000.20";
    return new CdrRow[] {
        row("2026-11-24 22:10:00", "", "2026-11-24 22:10:20", "+79031112233", "74951234567", "from-trunk",
            "PJSIP/pstn-trunk-00000020", "PJSIP/101-00000021", "Dial", "PJSIP/101&PJSIP/102,20", 0, d101, l, l, 21),
        row("2026-11-24 22:10:00", "", "2026-11-24 22:10:01", "+79031112233", "74951234567", "from-trunk",
            "PJSIP/pstn-trunk-00000020", "PJSIP/102-00000022", "Dial", "PJSIP/101&PJSIP/102,20", 0, d102, l, l, 22)};
  }

  /** A caller with the number withheld, nobody answers. */
  static CdrRow[] withheld() {
    String l = "1795562000.30";
    return new CdrRow[] {row("2026-11-24 22:20:00", "", "2026-11-24 22:20:09", "anonymous", "74951234567",
        "from-trunk", "PJSIP/pstn-trunk-00000030", "PJSIP/101-00000031", "Dial", "PJSIP/101,30", 0, "NO ANSWER", l,
        l, 30)};
  }

  /** Nobody answers; the dialplan sends the caller to VoiceMail(), which answers: ANSWERED without a party B. */
  static CdrRow[] voicemail() {
    String l = "1795563000.40";
    return new CdrRow[] {
        row("2026-11-24 22:30:00", "", "2026-11-24 22:30:20", "+79161112233", "74951234567", "from-trunk",
            "PJSIP/pstn-trunk-00000040", "PJSIP/101-00000041", "Dial", "PJSIP/101,20", 0, "NO ANSWER", l, l, 40),
        row("2026-11-24 22:30:20", "2026-11-24 22:30:20", "2026-11-24 22:30:45", "+79161112233", "74951234567",
            "from-trunk", "PJSIP/pstn-trunk-00000040", "", "VoiceMail", "100@default,u", 25, "ANSWERED", l, l, 41)};
  }

  /** Click-to-call: the operator's leg, then the customer dialled from click-to-call; not inbound. */
  static CdrRow[] clickToCall() {
    String l = "1795564000.50";
    return new CdrRow[] {
        row("2026-11-24 22:40:00", "2026-11-24 22:40:03", "2026-11-24 22:40:30", "74951234567", "+79161234562",
            "click-to-call", "PJSIP/101-00000050", "PJSIP/pstn-trunk-00000051", "Dial", "PJSIP/+79161234562@pstn-trunk,45",
            0, "NO ANSWER", l, l, 50)};
  }

  /** 101 calls 103 (internal). */
  static CdrRow[] internal() {
    String l = "1795565000.60";
    return new CdrRow[] {row("2026-11-24 22:50:00", "", "2026-11-24 22:50:10", "101", "103", "operators",
        "PJSIP/101-00000060", "PJSIP/103-00000061", "Dial", "PJSIP/103,30", 0, "NO ANSWER", l, l, 60)};
  }

  // --- Local shape (the captured transcripts): every leg a ;1/;2 pair ---

  /**
   * missed.ami: the only row is the ;2 half's dial of 102. The ;1 half (the call's first channel: its uniqueid is
   * the linkedid) was never answered and dialled nobody, so with cdr.conf's default unanswered=no it wrote no row.
   */
  static CdrRow[] localMissedWithGap() {
    return new CdrRow[] {row("2026-11-24 20:24:47", "", "2026-11-24 20:24:50", "+79161234567", "74951234567",
        "from-trunk", "Local/74951234567@from-trunk-00000000;2", "Local/102@operator-phone-00000001;1", "Dial",
        "Local/102@operator-phone/n,3", 0, "NO ANSWER", "1795551887.1", "1795551887.0", 1)};
  }

  /** answered.ami: 101 answers and talks; three rows, the Dial one ANSWERED with a party B. */
  static CdrRow[] localAnswered() {
    String l = "1795551893.4";
    return new CdrRow[] {
        row("2026-11-24 20:24:53", "2026-11-24 20:24:54", "2026-11-24 20:24:57", "+79031112233", "101",
            "operator-phone", "Local/101@operator-phone-00000003;2", "", "Hangup", "", 2, "ANSWERED", "1795551893.7",
            l, 7),
        row("2026-11-24 20:24:53", "2026-11-24 20:24:54", "2026-11-24 20:24:57", "+79031112233", "74951234567",
            "from-trunk", "Local/74951234567@from-trunk-00000002;2", "Local/101@operator-phone-00000003;1", "Dial",
            "Local/101@operator-phone/n,20", 2, "ANSWERED", "1795551893.5", l, 5),
        row("2026-11-24 20:24:53", "2026-11-24 20:24:54", "2026-11-24 20:24:57", "+79031112233", "74951234567",
            "from-trunk", "Local/74951234567@from-trunk-00000002;1", "", "Wait", "30", 2, "ANSWERED", l, l, 4)};
  }

  /** queue_abandon.ami: the PBX answers, the caller waits in queue support and hangs up; members NO ANSWER. */
  static CdrRow[] localQueueAbandoned() {
    String l = "1795551900.8";
    return new CdrRow[] {
        row("2026-11-24 20:25:00", "2026-11-24 20:25:00", "2026-11-24 20:25:03", "+79257654321", "74951234567",
            "from-trunk", "Local/74951234567@from-trunk-00000004;1", "", "Wait", "3", 3, "ANSWERED", l, l, 8),
        row("2026-11-24 20:25:00", "2026-11-24 20:25:00", "2026-11-24 20:25:03", "+79257654321", "74951234567",
            "from-trunk", "Local/74951234567@from-trunk-00000004;2", "Local/102@operator-phone-00000005;1", "Queue",
            "support,r,,,60", 3, "NO ANSWER", "1795551900.9", l, 9),
        row("2026-11-24 20:25:01", "2026-11-24 20:25:01", "2026-11-24 20:25:03", "+79257654321", "74951234567",
            "from-trunk", "Local/74951234567@from-trunk-00000004;2", "Local/103@operator-phone-00000006;1", "Queue",
            "support,r,,,60", 2, "NO ANSWER", "1795551900.9", l, 10)};
  }

  /** queue_answered.ami: queue sales, 101 answers. */
  static CdrRow[] localQueueAnswered() {
    String l = "1795551913.20";
    return new CdrRow[] {
        row("2026-11-24 20:25:14", "2026-11-24 20:25:15", "2026-11-24 20:25:17", "+79154443322", "101",
            "operator-phone", "Local/101@operator-phone-0000000b;2", "", "Hangup", "", 2, "ANSWERED",
            "1795551914.23", l, 23),
        row("2026-11-24 20:25:13", "2026-11-24 20:25:13", "2026-11-24 20:25:17", "+79154443322", "74951234567",
            "from-trunk", "Local/74951234567@from-trunk-0000000a;2", "Local/101@operator-phone-0000000b;1", "Queue",
            "sales,r,,,60", 4, "ANSWERED", "1795551913.21", l, 21),
        row("2026-11-24 20:25:13", "2026-11-24 20:25:13", "2026-11-24 20:25:17", "+79154443322", "74951234567",
            "from-trunk", "Local/74951234567@from-trunk-0000000a;1", "", "Wait", "30", 4, "ANSWERED", l, l, 20)};
  }
}
