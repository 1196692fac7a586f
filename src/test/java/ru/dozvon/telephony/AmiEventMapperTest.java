package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmiEventMapperTest {

  private final AmiEventMapper mapper = new AmiEventMapper("DOZVON_OUTCOME");

  /** Which events of the real transcripts become records, counted per type over every file. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      Newchannel         | NewChannel
      NewCallerid        | NewCallerId
      Newstate           | NewState
      DialBegin          | DialBegin
      DialEnd            | DialEnd
      Hangup             | Hangup
      QueueCallerJoin    | QueueCallerJoin
      QueueCallerAbandon | QueueCallerAbandon
      QueueCallerLeave   | QueueCallerLeave
      AgentConnect       | AgentConnect
      AgentComplete      | AgentComplete
      Cdr                | Cdr
      OriginateResponse  | OriginateResponse
      Newexten           | -
      DeviceStateChange  | DeviceState
      SuccessfulAuth     | -
      FullyBooted        | -
      QueueMemberStatus  | MemberPause
      NewConnectedLine   | -
      LocalBridge        | -
      HangupRequest      | -
      SoftHangupRequest  | -
      DialState          | -
      BridgeCreate       | -
      BridgeEnter        | -
      BridgeLeave        | -
      BridgeDestroy      | -
      AgentCalled        | AgentCalled
      RTCPSent           | -
      RTCPReceived       | -
      """)
  void mapsWhatCorrelationNeedsAndNothingElse(String amiName, String recordName) {
    int seen = 0;
    for (String file : OrderIndependenceTest.FILES) {
      for (Map<String, Object> block : AmiTranscript.blocks(file)) {
        if (!AmiTranscript.name(block).equals(amiName)) {
          continue;
        }
        seen++;
        TelephonyEvent e = mapper.map(AmiTranscript.build(block));
        if (recordName == null) {
          assertThat(e).as("%s in %s", amiName, file).isNull();
        } else {
          assertThat(e).as("%s in %s", amiName, file).isNotNull();
          assertThat(e.getClass().getSimpleName()).isEqualTo(recordName);
        }
      }
    }
    assertThat(seen).as("transcripts hold %s", amiName).isPositive();
    assertThat(mapper.malformed()).isZero();
  }

  @Test
  void readsTheFieldsAndTheTimestampOfARealEvent() {
    Map<String, Object> dialEnd = AmiTranscript.blocks("ami/pjsip/missed.ami").stream()
        .filter(b -> AmiTranscript.name(b).equals("DialEnd")).findFirst().orElseThrow();

    TelephonyEvent.DialEnd e = (TelephonyEvent.DialEnd) mapper.map(AmiTranscript.build(dialEnd));

    assertThat(e).isEqualTo(new TelephonyEvent.DialEnd(Instant.parse("2026-11-24T21:09:14.797029Z"),
        "1795554549.0", "1795554549.0", "PJSIP/pstn-trunk-00000000", "from-trunk", "1795554549.1",
        "PJSIP/102-00000001", "operators", "74951234567", "NOANSWER"));
  }

  @Test
  void aDialPlacedByOriginateTakesTheCallFromTheDestination() {
    Map<String, Object> dialBegin = AmiTranscript.blocks("ami/pjsip/c2c_answer.ami").stream()
        .filter(b -> AmiTranscript.name(b).equals("DialBegin")).findFirst().orElseThrow();

    TelephonyEvent.DialBegin e = (TelephonyEvent.DialBegin) mapper.map(AmiTranscript.build(dialBegin));

    assertThat(e.channel()).isNull();
    assertThat(e.linkedid()).isEqualTo("1795554595.15");
    assertThat(e.destUniqueid()).isEqualTo("1795554595.15");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      DOZVON_OUTCOME    | AFTER_HOURS | OutcomeMarker
      __DOZVON_OUTCOME  | VOICEMAIL   | OutcomeMarker
      _DOZVON_OUTCOME   | VOICEMAIL   | OutcomeMarker
      dozvon_outcome    | VOICEMAIL   | OutcomeMarker
      DOZVON_OUTCOMES   | VOICEMAIL   | -
      DOZVON_OUT        | VOICEMAIL   | -
      DIALSTATUS        | BUSY        | DialStatusSet
      DIALSTATUS        | -           | -
      BRIDGEPEER        | PJSIP/101-1 | -
      DOZVON_RECORDING  | a/1.1.wav   | RecordingSet
      __DOZVON_RECORDING | a/1.1.wav  | RecordingSet
      DOZVON_RECORDING  | -           | -
      DOZVON_RECORDINGS | a/1.1.wav   | -
      -                 | x           | -
      """)
  void varSetMattersOnlyForTheMarkerDialStatusAndRecording(String variable, String value, String recordName) {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("event", "VarSet");
    block.put("channel", "PJSIP/pstn-trunk-00000001");
    block.put("uniqueid", "1.1");
    block.put("linkedid", "1.1");
    if (variable != null) {
      block.put("variable", variable);
    }
    if (value != null) {
      block.put("value", value);
    }

    TelephonyEvent e = mapper.map(AmiTranscript.build(block));

    assertThat(e == null ? null : e.getClass().getSimpleName()).isEqualTo(recordName);
  }

  @Test
  void unknownAndNullEventsAreIgnored() {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("event", "SomethingAsteriskInventsTomorrow");
    block.put("linkedid", "1.1");

    assertThat(mapper.map(AmiTranscript.build(block))).isNull();
    assertThat(mapper.map(null)).isNull();
    assertThat(mapper.mapped()).isZero();
  }

  @Test
  void anEventWithoutAnyCallIdIsCountedMalformedButStillReturned() {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("event", "Hangup");
    block.put("channel", "PJSIP/101-00000001");
    block.put("cause", "not-a-number");

    TelephonyEvent e = mapper.map(AmiTranscript.build(block));

    assertThat(e).isInstanceOf(TelephonyEvent.Hangup.class);
    assertThat(mapper.malformed()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      1795554549.792205 | 2026-11-24T21:09:09.792205Z
      0.5               | 1970-01-01T00:00:00.500Z
      -1                | -
      -                 | -
      """)
  void timestampHeader(Double seconds, String expected) {
    Instant at = AmiEventMapper.instant(seconds);
    assertThat(at == null ? null : at.toString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      00:00:00 | 0
      0:01:05  | 65
      01:00:00 | 3600
      12       | 12
      aa:bb    | -
      -        | -
      """)
  void coreShowChannelDuration(String text, Long seconds) {
    assertThat(AmiEventMapper.hms(text)).isEqualTo(seconds);
  }
}
