package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.phone.PhoneNumbers;

/** The rule "does this call create a deal, attach to one, or make contact", as a table. */
class CallRuleTest {

  @ParameterizedTest(name = "{0} {1} missed={2} number={3} withheld={4} -> {5}")
  @CsvSource(delimiter = '|', textBlock = """
      INBOUND  | NO_ANSWER        | true  | +79161234567 | false | MISSED
      INBOUND  | BUSY             | true  | +79161234567 | false | MISSED
      INBOUND  | QUEUE_ABANDONED  | true  | +79161234567 | false | MISSED
      INBOUND  | AFTER_HOURS      | true  | +74951234567 | false | MISSED
      INBOUND  | VOICEMAIL        | true  | +79161234567 | false | MISSED
      INBOUND  | CALLER_ABANDONED | true  | +79161234567 | false | MISSED
      INBOUND  | ANSWERED         | false | +79161234567 | false | CONTACT
      INBOUND  | NO_ANSWER        | true  |              | true  | RECORD_ONLY
      INBOUND  | ANSWERED         | false |              | true  | RECORD_ONLY
      INBOUND  | NO_ANSWER        | true  |              | false | RECORD_ONLY
      OUTBOUND | ANSWERED         | false | +79161234567 | false | OUTBOUND_RESULT
      OUTBOUND | NO_ANSWER        | false | +79161234567 | false | OUTBOUND_RESULT
      OUTBOUND | NOT_CONNECTED    | false | +79161234567 | false | OUTBOUND_RESULT
      OUTBOUND | BUSY             | false |              | false | RECORD_ONLY
      INTERNAL | ANSWERED         | false | +79161234567 | false | RECORD_ONLY
      INTERNAL | NO_ANSWER        | false |              | false | RECORD_ONLY
      """)
  void decidesFromTheFactsAlone(CallDirection direction, CallOutcome outcome, boolean missed, String number,
                                boolean withheld, CallRule.Effect expected) {
    Instant t = Instant.parse("2026-11-24T08:00:00Z");
    CallFacts c = new CallFacts("1795.1", direction, outcome, missed,
        number == null ? null : PhoneNumbers.parse(number), number, withheld, "74951234567", null, null,
        t.minusSeconds(30), null, t, 30, 0, false);
    assertThat(CallRule.of(c)).isEqualTo(expected);
  }
}
