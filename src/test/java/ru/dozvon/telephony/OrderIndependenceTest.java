package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order of Cdr, OriginateResponse and Hangup events differs from run to run on a real PBX;
 * the call records must not. Each transcript is replayed with those events moved: Cdr and
 * OriginateResponse anywhere (first, last, random), Hangups shuffled among themselves as far as
 * Asterisk allows (a channel's Hangup never precedes that channel's own earlier events).
 */
class OrderIndependenceTest {

  static final List<String> FILES = List.of(
      "ami/missed.ami", "ami/answered.ami", "ami/queue_abandon.ami", "ami/queue_answered.ami",
      "ami/c2c_answer.ami", "ami/c2c_noanswer.ami", "ami/c2c_busy.ami",
      "ami/pjsip/missed.ami", "ami/pjsip/answered.ami", "ami/pjsip/queue_answered.ami",
      "ami/pjsip/c2c_answer.ami", "ami/pjsip/c2c_noanswer.ami",
      "ami/scenarios/caller_hangup_ringing.ami", "ami/scenarios/queue_abandon_ringing.ami",
      "ami/scenarios/busy_operator.ami", "ami/scenarios/unreachable_operator.ami",
      "ami/scenarios/unregistered_operator.ami", "ami/scenarios/after_hours.ami",
      "ami/scenarios/voicemail.ami", "ami/scenarios/withheld.ami",
      "ami/scenarios/empty_callerid.ami", "ami/scenarios/carrier_8_prefix.ami",
      "ami/scenarios/same_number_twice.ami", "ami/scenarios/ringall_one_answers.ami",
      "ami/scenarios/c2c_operator_noanswer.ami", "ami/scenarios/operator_dials_busy.ami",
      "ami/scenarios/internal_call.ami", "ami/scenarios/c2c_congestion.ami", "ami/scenarios/c2c_unavailable.ami",
      "ami/scenarios/c2c_absent_trunk.ami", "ami/scenarios/c2c_absent_local.ami",
      "ami/scenarios/c2c_operator_unregistered.ami", "ami/scenarios/c2c_operator_busy.ami",
      "ami/scenarios/c2c_operator_rejected.ami");

  static Stream<Arguments> permutations() {
    List<Arguments> out = new ArrayList<>();
    for (String file : FILES) {
      out.add(Arguments.of(file, "late", 0));
      out.add(Arguments.of(file, "early", 0));
      for (int seed = 1; seed <= 12; seed++) {
        out.add(Arguments.of(file, "random", seed));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("permutations")
  void sameRecordsWhateverTheOrder(String file, String mode, int seed) {
    List<Map<String, Object>> blocks = AmiTranscript.blocks(file);
    List<CallRecord> expected = sorted(new Replay().feed(blocks).ended);
    List<Map<String, Object>> permuted = permute(blocks, mode, new Random(seed));

    Replay replay = new Replay().feed(permuted);

    assertThat(permuted).hasSameSizeAs(blocks);
    assertThat(sorted(replay.ended)).isEqualTo(expected);
    assertThat(replay.tracker.liveCalls()).isZero();
  }

  /** Guards the test itself: the shuffles really do move Hangups and Cdrs. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"ami/queue_abandon.ami",
      "ami/scenarios/same_number_twice.ami"})
  void permutationsReallyReorder(String file) {
    List<Map<String, Object>> blocks = AmiTranscript.blocks(file);
    long hangupOrders = Stream.iterate(1, s -> s + 1).limit(12)
        .map(seed -> permute(blocks, "random", new Random(seed)).stream()
            .filter(b -> AmiTranscript.name(b).equals("Hangup")).map(b -> b.get("uniqueid")).toList())
        .distinct().count();
    assertThat(hangupOrders).isGreaterThan(1);
    assertThat(permute(blocks, "early", new Random(0))).isNotEqualTo(blocks);
  }

  static List<CallRecord> sorted(List<CallRecord> records) {
    List<CallRecord> copy = new ArrayList<>(records);
    copy.sort(Comparator.comparing(CallRecord::linkedid));
    return copy;
  }

  static List<Map<String, Object>> permute(List<Map<String, Object>> blocks, String mode, Random rnd) {
    List<Map<String, Object>> rest = new ArrayList<>();
    List<Map<String, Object>> floating = new ArrayList<>();
    for (Map<String, Object> b : blocks) {
      String name = AmiTranscript.name(b);
      (name.equals("Cdr") || name.equals("OriginateResponse") ? floating : rest).add(b);
    }
    shuffleHangups(rest, rnd);
    int firstChannel = 0;
    while (firstChannel < rest.size() && !AmiTranscript.name(rest.get(firstChannel)).equals("Newchannel")) {
      firstChannel++;
    }
    for (Map<String, Object> b : floating) {
      int at = switch (mode) {
        case "late" -> rest.size();
        case "early" -> Math.min(firstChannel + 1, rest.size());
        default -> rnd.nextInt(rest.size() + 1);
      };
      rest.add(at, b);
    }
    return rest;
  }

  /** Shuffles Hangups among their own slots, each no earlier than its channel's last other event. */
  static void shuffleHangups(List<Map<String, Object>> blocks, Random rnd) {
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      if (AmiTranscript.name(blocks.get(i)).equals("Hangup")) {
        slots.add(i);
      }
    }
    List<Map<String, Object>> hangups = new ArrayList<>();
    slots.forEach(i -> hangups.add(blocks.get(i)));
    for (int attempt = 0; attempt < 200; attempt++) {
      List<Map<String, Object>> order = new ArrayList<>(hangups);
      Collections.shuffle(order, rnd);
      boolean ok = true;
      for (int k = 0; k < order.size() && ok; k++) {
        ok = slots.get(k) > lastOwnEvent(blocks, order.get(k));
      }
      if (ok) {
        for (int k = 0; k < order.size(); k++) {
          blocks.set(slots.get(k), order.get(k));
        }
        return;
      }
    }
  }

  private static int lastOwnEvent(List<Map<String, Object>> blocks, Map<String, Object> hangup) {
    Object uniqueid = hangup.get("uniqueid");
    int last = -1;
    for (int i = 0; i < blocks.size(); i++) {
      Map<String, Object> b = blocks.get(i);
      if (!AmiTranscript.name(b).equals("Hangup")
          && (uniqueid.equals(b.get("uniqueid")) || uniqueid.equals(b.get("destuniqueid")))) {
        last = i;
      }
    }
    return last;
  }
}
