package ru.dozvon.deals;

import static ru.dozvon.deals.ConfigValues.bool;
import static ru.dozvon.deals.ConfigValues.code;
import static ru.dozvon.deals.ConfigValues.duration;
import static ru.dozvon.deals.ConfigValues.list;
import static ru.dozvon.deals.ConfigValues.map;
import static ru.dozvon.deals.ConfigValues.onlyKeys;
import static ru.dozvon.deals.ConfigValues.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the after-contact keys of the {@code funnel} section; an absent key keeps its default; errors name the key. */
final class AfterContactConfigParser {

  /** The keys of the {@code funnel} section this parser reads. */
  static final Set<String> KEYS = Set.of("next_step_required", "default_next_step", "contact_statuses", "date_tasks",
      "talk_limit_per_day");

  private AfterContactConfigParser() {
  }

  static AfterContactConfig parse(Map<String, Object> root) {
    AfterContactConfig d = AfterContactConfig.defaults();
    boolean required = bool(root, "next_step_required", "funnel", d.nextStepRequired());
    StageTask next = d.defaultNextStep();
    if (root.get("default_next_step") != null) {
      String path = "funnel.default_next_step";
      Map<String, Object> t = map(root.get("default_next_step"), path);
      onlyKeys(t, path, Set.of("title", "within"));
      next = new StageTask(text(t, "title", path, "expected the task title"), duration(t, "within", path, true));
    }
    List<AfterContactConfig.ContactStatus> statuses = d.contactStatuses();
    if (root.get("contact_statuses") != null) {
      statuses = new ArrayList<>();
      String path = "funnel.contact_statuses";
      List<Object> raw = list(root.get("contact_statuses"), path, "expected a list of {code, name}");
      for (int i = 0; i < raw.size(); i++) {
        String at = path + "[" + i + "]";
        Map<String, Object> m = map(raw.get(i), at);
        onlyKeys(m, at, Set.of("code", "name"));
        statuses.add(new AfterContactConfig.ContactStatus(code(m, "code", at), text(m, "name", at,
            "expected the status's label")));
      }
    }
    List<AfterContactConfig.DateTask> dates = d.dateTasks();
    if (root.get("date_tasks") != null) {
      dates = new ArrayList<>();
      String path = "funnel.date_tasks";
      List<Object> raw = list(root.get("date_tasks"), path, "expected a list of {field, title, before}");
      for (int i = 0; i < raw.size(); i++) {
        String at = path + "[" + i + "]";
        Map<String, Object> m = map(raw.get(i), at);
        onlyKeys(m, at, Set.of("field", "title", "before"));
        dates.add(new AfterContactConfig.DateTask(code(m, "field", at), text(m, "title", at, "expected the task title"),
            duration(m, "before", at, false)));
      }
    }
    Duration talk = root.get("talk_limit_per_day") == null ? d.talkLimitPerDay()
        : duration(root, "talk_limit_per_day", "funnel", true);
    return new AfterContactConfig(required, next, statuses, dates, talk);
  }
}
