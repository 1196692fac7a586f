package ru.dozvon.deals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The after-contact settings as {@code GET /api/funnel} lists them, and the card's notes from its history. */
final class AfterContactJson {

  private AfterContactJson() {
  }

  static JsonObject of(AfterContactConfig c) {
    JsonArray statuses = new JsonArray();
    c.contactStatuses().forEach(s -> statuses.add(new JsonObject().put("code", s.code()).put("name", s.name())));
    JsonArray dates = new JsonArray();
    c.dateTasks().forEach(d -> dates.add(new JsonObject().put("field", d.field()).put("title", d.title())
        .put("before", d.before().toString()).put("beforeMinutes", d.before().toMinutes())));
    return new JsonObject()
        .put("contactStatuses", statuses)
        .put("nextStepRequired", c.nextStepRequired())
        .put("defaultNextStep", new JsonObject().put("title", c.defaultNextStep().title())
            .put("within", c.defaultNextStep().within().toString()))
        .put("dateTasks", dates)
        .put("talkLimitPerDaySeconds", c.talkLimitPerDay().toSeconds());
  }

  /** The card's {@code notes} (newest first) and {@code lastNote}, from the history rows of kind {@code note}. */
  static void notes(JsonObject card, JsonArray history) {
    JsonArray notes = new JsonArray();
    for (int i = history.size() - 1; i >= 0; i--) {
      JsonObject h = history.getJsonObject(i);
      if ("note".equals(h.getString("kind"))) {
        notes.add(new JsonObject().put("text", h.getJsonObject("details").getString("text"))
            .put("author", h.getString("actor")).put("at", h.getString("at")));
      }
    }
    card.put("notes", notes).put("lastNote", notes.isEmpty() ? null : notes.getJsonObject(0));
  }
}
