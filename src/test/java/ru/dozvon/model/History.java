package ru.dozvon.model;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated history: when it starts, who takes part (contacts by kind, managers with their caps and
 * states) and its steps. Everything comes from one seeded {@link Random}: the same seed gives the same
 * history, whatever ran before it.
 */
public record History(long seed, Instant start, List<ContactKind> contacts, List<ManagerSpec> managers,
                      List<Step> steps, List<Integer> numbers) {

  /** How a contact reaches us: only by phone, only by email, or both (their email-only leads once known). */
  public enum ContactKind { PHONE, EMAIL, BOTH }

  public record ManagerSpec(int maxActiveDeals, String state) {
  }

  /** The funnel's codes, as {@code GET /api/funnel} lists them. */
  public record FunnelCodes(List<String> stages, List<String> lossReasons, List<String> winReasons,
                            List<String> invalidReasons) {
  }

  static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

  /**
   * The same history with only the steps at {@code positions} (1-based, in this history); each keeps its
   * number in the generated history ({@link #numbers()}), which is what {@code -Dmodel.steps} takes.
   */
  public History select(List<Integer> positions) {
    return new History(seed, start, contacts, managers, positions.stream().map(p -> steps.get(p - 1)).toList(),
        positions.stream().map(p -> numbers.get(p - 1)).toList());
  }

  /** {@link #numbers()} as {@code -Dmodel.steps} takes them. */
  public String stepNumbers() {
    return String.join(",", numbers.stream().map(String::valueOf).toList());
  }

  /** A history of 5-25 steps for the seed. */
  public static History generate(long seed, FunnelCodes funnel) {
    Random r = new Random(seed);
    // Any day of 2026-2027 (holidays included), mostly inside the calling hours, sometimes outside.
    LocalDate day = LocalDate.of(2026, 1, 12).plusDays(r.nextInt(700));
    LocalTime time = r.nextInt(10) < 7 ? LocalTime.of(10 + r.nextInt(9), r.nextInt(60))
        : LocalTime.of(r.nextInt(24), r.nextInt(60));
    Instant start = day.atTime(time).atZone(MOSCOW).toInstant();

    int nContacts = 1 + r.nextInt(3);
    List<ContactKind> contacts = new ArrayList<>();
    for (int i = 0; i < nContacts; i++) {
      int k = r.nextInt(10);
      contacts.add(k < 5 ? ContactKind.PHONE : k < 8 ? ContactKind.BOTH : ContactKind.EMAIL);
    }
    if (contacts.stream().noneMatch(c -> c != ContactKind.EMAIL)) {
      contacts.set(0, ContactKind.PHONE); // someone calls in every history
    }
    int nManagers = 2 + r.nextInt(2);
    List<ManagerSpec> managers = new ArrayList<>();
    for (int i = 0; i < nManagers; i++) {
      int cap = 1 + r.nextInt(5);
      String state = r.nextInt(10) < 6 ? "ON_SHIFT" : r.nextBoolean() ? "OFF" : "PAUSED";
      managers.add(new ManagerSpec(cap, state));
    }
    int focus = r.nextInt(nContacts);
    int length = 5 + r.nextInt(21);
    List<Step> steps = new ArrayList<>();
    int keyed = 0;
    while (steps.size() < length) {
      // Most steps concern one contact, so that one deal lives long enough to go through its ladder.
      int c = r.nextInt(10) < 7 ? focus : r.nextInt(nContacts);
      ContactKind kind = contacts.get(c);
      int roll = r.nextInt(100);
      Step s;
      if (roll < 14) {
        s = kind == ContactKind.EMAIL ? null : new Step.Missed(c, pick(r, MISSED));
      } else if (roll < 18) {
        s = kind == ContactKind.EMAIL ? null : new Step.Answered(c, pick(r, ANSWERED));
      } else if (roll < 26) {
        boolean key = r.nextInt(4) == 0;
        s = new Step.Lead(c, pick(r, SOURCES), ident(r, kind), key);
        if (key) {
          keyed++;
        }
      } else if (roll < 28) {
        s = keyed == 0 ? null : new Step.Replay(r.nextInt(keyed));
      } else if (roll < 34) {
        s = new Step.Message(c, pick(r, MESSAGES));
      } else if (roll < 64) {
        String result = outcome(r);
        int t = r.nextInt(4);
        Step.Timing timing = t < 2 ? Step.Timing.ON_TIME : t == 2 ? Step.Timing.EARLY : Step.Timing.LATE;
        Duration late = Duration.ofMinutes(120 + r.nextInt(28 * 60));
        s = new Step.Outcome(c, result, timing, late, result.equals("REACHED_CALL_LATER") && r.nextBoolean(),
            r.nextInt(4) == 0);
      } else if (roll < 75) {
        int d = r.nextInt(10);
        Duration by = d < 3 ? Duration.ofMinutes(5 + r.nextInt(50)) : d < 6 ? Duration.ofHours(1 + r.nextInt(5))
            : d < 8 ? Duration.ofDays(1) : Duration.ofDays(7);
        s = new Step.MoveClock(by);
      } else if (roll < 79) {
        s = new Step.Stage(c, r.nextInt(8) == 0 ? "nowhere" : pick(r, funnel.stages()), r.nextInt(3) > 0);
      } else if (roll < 85) {
        int k = r.nextInt(10);
        if (k < 6) {
          s = new Step.Close(c, "LOST", pick(r, funnel.lossReasons()), r.nextInt(8) > 0);
        } else if (k < 8) {
          s = new Step.Close(c, "WON", pick(r, funnel.winReasons()), r.nextInt(8) > 0);
        } else {
          s = new Step.Close(c, "INVALID", pick(r, funnel.invalidReasons()), r.nextInt(8) > 0);
        }
      } else if (roll < 91) {
        s = new Step.Reopen(c);
      } else if (roll < 95) {
        s = new Step.Assign(c, r.nextInt(nManagers), r.nextBoolean());
      } else if (roll < 98) {
        s = new Step.Shift(r.nextInt(nManagers), pick(r, List.of("ON_SHIFT", "ON_SHIFT", "PAUSED", "OFF")));
      } else {
        s = new Step.Restart(); // a restart costs 0.2-0.4 s: about 2 steps in 100
      }
      if (s != null) {
        steps.add(s);
      }
    }
    return new History(seed, start, List.copyOf(contacts), List.copyOf(managers), List.copyOf(steps),
        java.util.stream.IntStream.rangeClosed(1, steps.size()).boxed().toList());
  }

  static final List<PbxCalls.Shape> MISSED = List.of(PbxCalls.Shape.LOCAL_MISSED, PbxCalls.Shape.LOCAL_MISSED,
      PbxCalls.Shape.LOCAL_QUEUE_ABANDON, PbxCalls.Shape.PJSIP_MISSED, PbxCalls.Shape.PJSIP_MISSED);
  static final List<PbxCalls.Shape> ANSWERED = List.of(PbxCalls.Shape.LOCAL_ANSWERED,
      PbxCalls.Shape.LOCAL_QUEUE_ANSWERED, PbxCalls.Shape.PJSIP_ANSWERED, PbxCalls.Shape.PJSIP_QUEUE_ANSWERED);
  static final List<String> SOURCES = List.of("web_form", "chat", "email", "messenger", "manual");
  static final List<String> MESSAGES = List.of("chat", "email", "messenger", "web_form");

  private static String outcome(Random r) {
    int k = r.nextInt(100);
    return k < 10 ? "REACHED" : k < 22 ? "REACHED_CALL_LATER" : k < 60 ? "NO_ANSWER" : k < 75 ? "BUSY"
        : k < 90 ? "UNAVAILABLE" : "FAILED";
  }

  private static Step.Ident ident(Random r, ContactKind kind) {
    return switch (kind) {
      case PHONE -> Step.Ident.PHONE;
      case EMAIL -> Step.Ident.EMAIL;
      case BOTH -> List.of(Step.Ident.BOTH, Step.Ident.BOTH, Step.Ident.PHONE, Step.Ident.EMAIL).get(r.nextInt(4));
    };
  }

  private static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }
}
