package ru.dozvon.deals;

import static ru.dozvon.deals.ConfigValues.bad;
import static ru.dozvon.deals.ConfigValues.duration;
import static ru.dozvon.deals.ConfigValues.list;
import static ru.dozvon.deals.ConfigValues.map;
import static ru.dozvon.deals.ConfigValues.onlyKeys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ru.dozvon.time.Durations;

/** Builds {@link FollowUps} from {@code funnel.follow_ups}; absent keys take the defaults, errors name the key. */
final class FollowUpsParser {

  private static final String PATH = "funnel.follow_ups";

  private FollowUpsParser() {
  }

  static FollowUps parse(Map<String, Object> m) {
    FollowUps d = FollowUps.DEFAULT;
    onlyKeys(m, PATH, Set.of("no_answer_after", "thinking_every", "offer", "cold_after"));
    Duration noAnswer = m.containsKey("no_answer_after") ? duration(m, "no_answer_after", PATH, false) : d.noAnswerAfter();
    Duration thinking = m.containsKey("thinking_every") ? duration(m, "thinking_every", PATH, false) : d.thinkingEvery();
    Duration cold = m.containsKey("cold_after") ? duration(m, "cold_after", PATH, false) : d.coldAfter();
    String stage = d.offerStage();
    List<Duration> reminders = d.offerReminders();
    String field = d.deadlineField();
    if (m.get("offer") != null) {
      String path = PATH + ".offer";
      Map<String, Object> o = map(m.get("offer"), path);
      onlyKeys(o, path, Set.of("stage", "reminders", "deadline_field"));
      if (o.containsKey("stage")) {
        stage = o.get("stage") == null ? "" : String.valueOf(o.get("stage")).strip();
      }
      if (o.containsKey("reminders")) {
        String expected = "expected a list of durations, e.g. [2d, 1w, 2w]";
        List<Object> raw = o.get("reminders") == null ? List.of() : list(o.get("reminders"), path + ".reminders", expected);
        reminders = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
          String at = path + ".reminders[" + i + "]";
          try {
            Duration r = Durations.parse(String.valueOf(raw.get(i)));
            if (r.isZero()) {
              throw bad(at, raw.get(i), "is zero", "expected a positive duration, e.g. 2d");
            }
            reminders.add(r);
          } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(at) ? e
                : bad(at, raw.get(i), "is not a duration", ConfigValues.DURATION_FORM);
          }
        }
      }
      if (o.containsKey("deadline_field")) {
        field = o.get("deadline_field") == null ? "" : String.valueOf(o.get("deadline_field")).strip();
      }
    }
    return new FollowUps(noAnswer, thinking, stage, reminders, field, cold);
  }
}
