package ru.dozvon.deals;

import static ru.dozvon.deals.ConfigValues.bool;
import static ru.dozvon.deals.ConfigValues.code;
import static ru.dozvon.deals.ConfigValues.duration;
import static ru.dozvon.deals.ConfigValues.integer;
import static ru.dozvon.deals.ConfigValues.list;
import static ru.dozvon.deals.ConfigValues.map;
import static ru.dozvon.deals.ConfigValues.onlyKeys;
import static ru.dozvon.deals.ConfigValues.required;
import static ru.dozvon.deals.ConfigValues.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds a {@link FunnelConfig} from the {@code funnel} YAML section; every error names its key. */
final class FunnelConfigParser {

  private static final String ROOT = "funnel";

  private FunnelConfigParser() {
  }

  static FunnelConfig parse(Map<String, Object> section) {
    Map<String, Object> root = map(section, ROOT);
    Set<String> keys = new java.util.HashSet<>(Set.of("stages", "loss_reasons", "win_reasons", "invalid_reasons",
        "closing", "qualification", "follow_ups"));
    keys.addAll(AfterContactConfigParser.KEYS);
    onlyKeys(root, ROOT, keys);
    List<Stage> stages = new ArrayList<>();
    List<Object> rawStages = list(required(root, "stages", ROOT, "expected a list of stages"),
        ROOT + ".stages", "expected a list of stages");
    for (int i = 0; i < rawStages.size(); i++) {
      stages.add(stage(rawStages.get(i), ROOT + ".stages[" + i + "]"));
    }
    return new FunnelConfig(stages,
        reasons(root, "loss_reasons", true),
        reasons(root, "win_reasons", false),
        reasons(root, "invalid_reasons", false),
        closing(map(required(root, "closing", ROOT, "expected a mapping"), ROOT + ".closing")),
        qualification(map(required(root, "qualification", ROOT, "expected a mapping"),
            ROOT + ".qualification")),
        AfterContactConfigParser.parse(root),
        root.get("follow_ups") == null ? FollowUps.DEFAULT
            : FollowUpsParser.parse(map(root.get("follow_ups"), ROOT + ".follow_ups")));
  }

  private static Stage stage(Object raw, String path) {
    Map<String, Object> m = map(raw, path);
    onlyKeys(m, path, Set.of("code", "name", "required_fields", "task", "won", "closing"));
    List<String> fields = new ArrayList<>();
    if (m.get("required_fields") != null) {
      List<Object> rawFields = list(m.get("required_fields"), path + ".required_fields",
          "expected a list of field codes, e.g. [niche, source]");
      for (int i = 0; i < rawFields.size(); i++) {
        fields.add(code(rawFields.get(i), path + ".required_fields[" + i + "]"));
      }
    }
    Optional<StageTask> task = Optional.empty();
    if (m.get("task") != null) {
      String taskPath = path + ".task";
      Map<String, Object> t = map(m.get("task"), taskPath);
      onlyKeys(t, taskPath, Set.of("title", "within"));
      task = Optional.of(new StageTask(text(t, "title", taskPath, "expected the task title"),
          duration(t, "within", taskPath, true)));
    }
    boolean won = bool(m, "won", path, false);
    boolean closing = bool(m, "closing", path, false);
    if (won && closing) {
      throw new IllegalArgumentException(path + ": both won and closing are true (expected at most one)");
    }
    return new Stage(code(m, "code", path), text(m, "name", path, "expected the stage name"), fields,
        task, won, closing);
  }

  private static List<Reason> reasons(Map<String, Object> root, String key, boolean loss) {
    String path = ROOT + "." + key;
    String expected = "expected a list of {code, name}";
    List<Object> raw = list(required(root, key, ROOT, expected), path, expected);
    List<Reason> reasons = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String at = path + "[" + i + "]";
      Map<String, Object> m = map(raw.get(i), at);
      onlyKeys(m, at, loss ? Set.of("code", "name", "min_attempts", "min_silence") : Set.of("code", "name"));
      Optional<ContactGuard> guard = Optional.empty();
      if (m.containsKey("min_attempts") || m.containsKey("min_silence")) {
        guard = Optional.of(new ContactGuard(integer(m, "min_attempts", at, 0, 1000),
            duration(m, "min_silence", at, false)));
      }
      reasons.add(new Reason(code(m, "code", at), text(m, "name", at, "expected the reason's label"), guard));
    }
    return reasons;
  }

  private static ClosingPolicy closing(Map<String, Object> m) {
    String path = ROOT + ".closing";
    onlyKeys(m, path, Set.of("auto_close_after", "auto_close_reason", "control_task", "reopen_within",
        "reopen_stage", "notify_customer_on_loss"));
    String taskPath = path + ".control_task";
    Map<String, Object> task = map(required(m, "control_task", path, "expected {title, within}"), taskPath);
    onlyKeys(task, taskPath, Set.of("title", "within"));
    return new ClosingPolicy(duration(m, "auto_close_after", path, true),
        code(m, "auto_close_reason", path),
        text(task, "title", taskPath, "expected the supervisor's task title"),
        duration(task, "within", taskPath, true),
        duration(m, "reopen_within", path, true),
        code(m, "reopen_stage", path),
        bool(m, "notify_customer_on_loss", path, true));
  }

  private static QualificationConfig qualification(Map<String, Object> m) {
    String path = ROOT + ".qualification";
    onlyKeys(m, path, Set.of("criteria", "priority"));
    String expected = "expected a list of {code, name}";
    List<Object> raw = list(required(m, "criteria", path, expected), path + ".criteria", expected);
    List<Criterion> criteria = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String at = path + ".criteria[" + i + "]";
      Map<String, Object> c = map(raw.get(i), at);
      onlyKeys(c, at, Set.of("code", "name"));
      criteria.add(new Criterion(code(c, "code", at), text(c, "name", at, "expected the criterion's label")));
    }
    String prioPath = path + ".priority";
    Map<String, Object> p = map(required(m, "priority", path, "expected {red_from, yellow_from, unscored}"),
        prioPath);
    onlyKeys(p, prioPath, Set.of("red_from", "yellow_from", "unscored"));
    return new QualificationConfig(criteria, integer(p, "red_from", prioPath, 1, 1000),
        integer(p, "yellow_from", prioPath, 1, 1000), priority(p, prioPath));
  }

  private static Priority priority(Map<String, Object> p, String path) {
    Object value = required(p, "unscored", path, "expected red, yellow or green");
    if (value instanceof String s) {
      for (Priority priority : Priority.values()) {
        if (priority.name().equals(s.strip().toUpperCase(Locale.ROOT))) {
          return priority;
        }
      }
    }
    throw ConfigValues.bad(path + ".unscored", value, "is not a priority", "expected red, yellow or green");
  }
}
