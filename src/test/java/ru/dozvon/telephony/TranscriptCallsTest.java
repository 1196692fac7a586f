package ru.dozvon.telephony;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every transcript, real (Local channels and PJSIP) and written from Asterisk's documented
 * behaviour, yields exactly the one right call record, through Asterisk-Java's own event beans.
 */
class TranscriptCallsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      # file                               | linkedid         | direction | outcome          | E.164        | raw          | withheld | company     | operator | queue   | missed
      ami/missed.ami                       | 1795551887.0     | INBOUND   | NO_ANSWER        | +79161234567 | +79161234567 | false    | 74951234567 | -        | -       | true
      ami/answered.ami                     | 1795551893.4     | INBOUND   | ANSWERED         | +79031112233 | +79031112233 | false    | 74951234567 | 101      | -       | false
      ami/queue_abandon.ami                | 1795551900.8     | INBOUND   | QUEUE_ABANDONED  | +79257654321 | +79257654321 | false    | 74951234567 | -        | support | true
      ami/queue_answered.ami               | 1795551913.20    | INBOUND   | ANSWERED         | +79154443322 | +79154443322 | false    | 74951234567 | 101      | sales   | false
      ami/c2c_answer.ami                   | 1795551927.28    | OUTBOUND  | ANSWERED         | +79161234560 | +79161234560 | false    | -           | 101      | -       | false
      ami/c2c_noanswer.ami                 | 1795551937.32    | OUTBOUND  | NO_ANSWER        | +79161234561 | +79161234561 | false    | -           | 101      | -       | false
      ami/c2c_busy.ami                     | 1795551949.36    | OUTBOUND  | BUSY             | +79161234562 | +79161234562 | false    | -           | 101      | -       | false
      ami/pjsip/missed.ami                 | 1795554549.0     | INBOUND   | NO_ANSWER        | +79161234567 | +79161234567 | false    | 74951234567 | -        | -       | true
      ami/pjsip/answered.ami               | 1795554557.2     | INBOUND   | ANSWERED         | +79031112233 | +79031112233 | false    | 74951234567 | 101      | -       | false
      ami/pjsip/queue_answered.ami         | 1795554582.12    | INBOUND   | ANSWERED         | +79154443322 | +79154443322 | false    | 74951234567 | 101      | sales   | false
      ami/pjsip/c2c_answer.ami             | 1795554595.15    | OUTBOUND  | ANSWERED         | +79161234560 | +79161234560 | false    | -           | 101      | -       | false
      ami/pjsip/c2c_noanswer.ami           | 1795554604.17    | OUTBOUND  | NO_ANSWER        | +79161234561 | +79161234561 | false    | -           | 101      | -       | false
      ami/scenarios/caller_hangup_ringing.ami | 1795555000.40 | INBOUND   | CALLER_ABANDONED | +79161234567 | +79161234567 | false    | 74951234567 | -        | -       | true
      ami/scenarios/queue_abandon_ringing.ami | 1795555100.50 | INBOUND   | QUEUE_ABANDONED  | +79257654321 | +79257654321 | false    | 74951234567 | -        | support | true
      ami/scenarios/busy_operator.ami      | 1795555200.60    | INBOUND   | BUSY             | +79031112233 | +79031112233 | false    | 74951234567 | -        | -       | true
      ami/scenarios/unreachable_operator.ami | 1795555300.70  | INBOUND   | UNAVAILABLE      | +79154443322 | +79154443322 | false    | 74951234567 | -        | -       | true
      ami/scenarios/unregistered_operator.ami | 1795555350.75 | INBOUND   | UNAVAILABLE      | +79154443322 | +79154443322 | false    | 74951234567 | -        | -       | true
      ami/scenarios/after_hours.ami        | 1795555400.80    | INBOUND   | AFTER_HOURS      | +79161234567 | +79161234567 | false    | 74951234567 | -        | -       | true
      ami/scenarios/voicemail.ami          | 1795555450.85    | INBOUND   | VOICEMAIL        | +79257654321 | +79257654321 | false    | 74951234567 | -        | -       | true
      ami/scenarios/withheld.ami           | 1795555500.90    | INBOUND   | NO_ANSWER        | -            | anonymous    | true     | 74951234567 | -        | -       | true
      ami/scenarios/empty_callerid.ami     | 1795555530.92    | INBOUND   | CALLER_ABANDONED | -            | -            | true     | 74951234567 | -        | -       | true
      ami/scenarios/carrier_8_prefix.ami   | 1795555540.94    | INBOUND   | NO_ANSWER        | +79161234567 | 89161234567  | false    | 74951234567 | -        | -       | true
      ami/scenarios/ringall_one_answers.ami | 1795555700.110  | INBOUND   | ANSWERED         | +79031112233 | +79031112233 | false    | 74951234567 | 101      | -       | false
      ami/scenarios/c2c_operator_noanswer.ami | 1795555800.120 | OUTBOUND | NOT_CONNECTED    | -            | -            | false    | -           | 101      | -       | false
      ami/scenarios/operator_dials_busy.ami | 1795555900.130  | OUTBOUND  | BUSY             | +79251112233 | 89251112233  | false    | -           | 102      | -       | false
      ami/scenarios/internal_call.ami      | 1795556000.140   | INTERNAL  | ANSWERED         | -            | -            | false    | -           | 101      | -       | false
      ami/scenarios/c2c_congestion.ami     | 1795556100.150   | OUTBOUND  | UNAVAILABLE      | +79161234563 | +79161234563 | false    | -           | 101      | -       | false
      ami/scenarios/c2c_unavailable.ami    | 1795556200.160   | OUTBOUND  | UNAVAILABLE      | +79161234564 | +79161234564 | false    | -           | 101      | -       | false
      ami/scenarios/c2c_absent_trunk.ami   | 1795556300.170   | OUTBOUND  | NO_ANSWER        | +79161234565 | +79161234565 | false    | -           | 101      | -       | false
      ami/scenarios/c2c_absent_local.ami   | 1795556400.180   | OUTBOUND  | UNAVAILABLE      | +79161234566 | +79161234566 | false    | -           | 101      | -       | false
      ami/scenarios/c2c_operator_busy.ami  | 1795556600.200   | OUTBOUND  | NOT_CONNECTED    | -            | -            | false    | -           | 101      | -       | false
      ami/scenarios/c2c_operator_rejected.ami | 1795556700.210 | OUTBOUND | NOT_CONNECTED    | -            | -            | false    | -           | 101      | -       | false
      """)
  void oneRightRecordPerTranscript(String file, String linkedid, CallDirection direction,
      CallOutcome outcome, String e164, String raw, boolean withheld, String company,
      String operator, String queue, boolean missed) {
    Replay replay = new Replay().feed(AmiTranscript.blocks(file));

    assertThat(replay.ended).hasSize(1);
    CallRecord r = replay.ended.get(0);
    assertThat(r.linkedid()).isEqualTo(linkedid);
    assertThat(r.direction()).isEqualTo(direction);
    assertThat(r.outcome()).isEqualTo(outcome);
    assertThat(r.customerNumber() == null ? null : r.customerNumber().e164()).isEqualTo(e164);
    assertThat(r.callerRaw()).isEqualTo(raw);
    assertThat(r.withheld()).isEqualTo(withheld);
    assertThat(r.companyNumber()).isEqualTo(company);
    assertThat(r.operatorExtension()).isEqualTo(operator);
    assertThat(r.queue()).isEqualTo(queue);
    assertThat(r.missed()).isEqualTo(missed);
    assertThat(r.callableMissed()).isEqualTo(missed && e164 != null);
    assertThat(r.expired()).isFalse();
    assertThat(r.partial()).isFalse();
    assertThat(replay.tracker.liveCalls()).isZero();
    assertThat(replay.mapper.malformed()).isZero();
  }

  /**
   * The hangup cause kept with a call: outbound, the customer's channel (with Local channels, the half that carries
   * the dialplan's cause); with no customer leg, the operator's own channel. An absent subscriber arrives over a SIP
   * trunk as NOANSWER with cause 19 (the carrier's 480), over Local channels as CHANUNAVAIL with cause 20.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      ami/c2c_busy.ami                        | BUSY          | 17
      ami/c2c_noanswer.ami                    | NO_ANSWER     | 0
      ami/c2c_answer.ami                      | ANSWERED      | 16
      ami/pjsip/c2c_answer.ami                | ANSWERED      | 16
      ami/pjsip/c2c_noanswer.ami              | NO_ANSWER     | 0
      ami/scenarios/c2c_operator_noanswer.ami | NOT_CONNECTED | 19
      ami/scenarios/c2c_operator_busy.ami     | NOT_CONNECTED | 17
      ami/scenarios/c2c_operator_rejected.ami | NOT_CONNECTED | 21
      ami/scenarios/c2c_congestion.ami        | UNAVAILABLE   | 34
      ami/scenarios/c2c_unavailable.ami       | UNAVAILABLE   | 16
      ami/scenarios/c2c_absent_trunk.ami      | NO_ANSWER     | 19
      ami/scenarios/c2c_absent_local.ami      | UNAVAILABLE   | 20
      ami/pjsip/missed.ami                    | NO_ANSWER     | 16
      """)
  void hangupCauseOfTheCustomersSide(String file, CallOutcome outcome, Integer cause) {
    CallRecord r = Replay.of(file).get(0);
    assertThat(r.outcome()).isEqualTo(outcome);
    assertThat(r.hangupCause()).isEqualTo(cause);
  }

  /** Found on a real PBX: a 20-second call stored with ringSeconds 40. Ring time is the call's own. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      ami/pjsip/missed.ami                    | 5 | 5
      ami/scenarios/ringall_one_answers.ami   | 3 | 3
      ami/scenarios/caller_hangup_ringing.ami | 4 | 4
      ami/pjsip/c2c_noanswer.ami              | 8 | 9
      """)
  void ringTimeIsNotTheWaitAdded(String file, int ring, int wait) {
    var facts = TelephonyService.toFacts(Replay.of(file).get(0));
    assertThat(facts.ringSeconds()).isEqualTo(ring);
    assertThat(facts.waitSeconds()).isEqualTo(wait);
  }

  /** Times come from the Timestamp headers when the PBX sends them (timestampevents=yes). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # file                               | started                     | answered                    | ended                       | wait | ring | talk
      ami/pjsip/missed.ami                 | 2026-11-24T21:09:09.792205Z | -                           | 2026-11-24T21:09:14.798036Z | 5    | 5    | 0
      ami/pjsip/answered.ami               | 2026-11-24T21:09:17.918349Z | 2026-11-24T21:09:18.921902Z | 2026-11-24T21:09:20.925674Z | 1    | 1    | 2
      ami/pjsip/queue_answered.ami         | 2026-11-24T21:09:42.428714Z | 2026-11-24T21:09:43.934663Z | 2026-11-24T21:09:45.937377Z | 2    | 1    | 2
      ami/pjsip/c2c_answer.ami             | 2026-11-24T21:09:55.181522Z | 2026-11-24T21:09:58.188458Z | 2026-11-24T21:10:01.206086Z | 3    | 2    | 3
      ami/pjsip/c2c_noanswer.ami           | 2026-11-24T21:10:04.324264Z | -                           | 2026-11-24T21:10:13.330084Z | 9    | 8    | 0
      ami/scenarios/caller_hangup_ringing.ami | 2026-11-24T21:16:40.100Z | -                           | 2026-11-24T21:16:44.300600Z | 4    | 4    | 0
      ami/scenarios/ringall_one_answers.ami | 2026-11-24T21:28:20.100Z   | 2026-11-24T21:28:23.100150Z | 2026-11-24T21:29:23.100150Z | 3    | 3    | 60
      """)
  void timesFromTimestampHeaders(String file, String started, String answered, String ended,
      long wait, long ring, long talk) {
    CallRecord r = Replay.of(file).get(0);
    assertThat(r.startedAt()).hasToString(started);
    assertThat(r.answeredAt() == null ? "-" : r.answeredAt().toString()).isEqualTo(answered);
    assertThat(r.endedAt()).hasToString(ended);
    assertThat(List.of(r.waitSeconds(), r.ringSeconds(), r.talkSeconds())).containsExactly(wait, ring, talk);
  }
}
