package ru.dozvon.deals;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.NotFound;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/**
 * The work after a contact over HTTP (DOMAIN 7): {@code POST /api/deals/{id}/notes} {@code {"text","contactStatus?"}},
 * {@code POST /api/deals/{id}/tasks} {@code {"title","kind","dueAt","forManagerId?","forSupervisor?"}},
 * {@code PATCH /api/tasks/{id}} {@code {"dueAt","reason"}} or {@code {"cancel": true, "reason"}}, and
 * {@code POST /api/tasks/{id}/done} {@code {"note?","nextStep?": {"title","kind","dueAt"}}}. Operators act on their
 * own deals and tasks only.
 */
public final class AfterContactRoutes implements RouteGroup {

  private static final Set<String> TASK_FIELDS = Set.of("title", "kind", "dueAt", "forManagerId", "forSupervisor");

  private final PgManualTasks tasks;
  private final PgDealQueries deals;
  private final Clock clock;

  public AfterContactRoutes(PgManualTasks tasks, PgDealQueries deals, Clock clock) {
    this.tasks = tasks;
    this.deals = deals;
    this.clock = clock;
  }

  @Override
  public void mount(Router api) {
    api.post("/deals/:id/notes").handler(this::note);
    api.post("/deals/:id/tasks").handler(this::create);
    api.patch("/tasks/:id").handler(this::change);
    api.post("/tasks/:id/done").handler(this::done);
  }

  private void note(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    JsonObject b = Api.body(ctx, Set.of("text", "contactStatus"));
    String text = Api.requiredString(b, "text", 4000);
    Optional<String> status = Api.optionalString(b, "contactStatus", 64);
    Instant now = clock.instant();
    Api.reply(ctx, 201, tasks.note(id, text, status, caller(ctx), now)
        .compose(x -> deals.get(id)).map(d -> d.orElseThrow(() -> new NotFound("deal " + id))));
  }

  private void create(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    Instant now = clock.instant();
    PgManualTasks.ManualTask t = manualTask(Api.body(ctx, TASK_FIELDS), "", now);
    Api.reply(ctx, 201, tasks.create(id, t, caller(ctx), now));
  }

  private void change(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    JsonObject b = Api.body(ctx, Set.of("dueAt", "cancel", "reason", "nextStep"));
    Instant now = clock.instant();
    Object cancelRaw = b.getValue("cancel");
    if (cancelRaw != null && !(cancelRaw instanceof Boolean)) {
      throw new InvalidInput("cancel", "must be true or false");
    }
    boolean cancel = Boolean.TRUE.equals(cancelRaw);
    Optional<Instant> dueAt = b.containsKey("dueAt") ? Optional.of(due(b, "dueAt", now)) : Optional.empty();
    if (cancel == dueAt.isPresent()) {
      throw new InvalidInput("dueAt", cancel ? "a cancelled task is not moved: send cancel or dueAt"
          : "is required to move the task (or send \"cancel\": true)");
    }
    String reason = Api.requiredString(b, "reason", 2000);
    Optional<PgManualTasks.ManualTask> next = nextStep(b, now);
    if (next.isPresent() && !cancel) {
      throw new InvalidInput("nextStep", "comes with a cancel (or with done), not with a move");
    }
    Api.reply(ctx, 200, tasks.change(id, dueAt, cancel, reason, next, caller(ctx), now));
  }

  private void done(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    // An empty body is the plain "done" it always was.
    JsonObject b = ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0 ? new JsonObject()
        : Api.body(ctx, Set.of("note", "nextStep"));
    Instant now = clock.instant();
    Optional<String> note = Api.optionalString(b, "note", 2000);
    Api.reply(ctx, 200, tasks.done(id, note, nextStep(b, now), caller(ctx), now));
  }

  private static Optional<PgManualTasks.ManualTask> nextStep(JsonObject b, Instant now) {
    if (b.getValue("nextStep") != null) {
      if (!(b.getValue("nextStep") instanceof JsonObject n)) {
        throw new InvalidInput("nextStep", "must be an object {\"title\", \"kind\", \"dueAt\"}");
      }
      for (String k : n.fieldNames()) {
        if (!Set.of("title", "kind", "dueAt").contains(k)) {
          throw new InvalidInput("nextStep." + k, "is not a field of a next step (title, kind, dueAt)");
        }
      }
      return Optional.of(manualTask(n, "nextStep.", now));
    }
    return Optional.empty();
  }

  private static PgManualTasks.ManualTask manualTask(JsonObject b, String prefix, Instant now) {
    String title = required(b, "title", prefix, 500);
    String rawKind = required(b, "kind", prefix, 20);
    TaskKind kind = TaskKind.manual(rawKind).orElseThrow(() -> new InvalidInput(prefix + "kind",
        "'" + rawKind + "' is not one of call, email, meeting, other"));
    Instant dueAt = due(b, prefix + "dueAt", now);
    Long forManager = null;
    Object m = b.getValue("forManagerId");
    if (m != null) {
      if (!(m instanceof Integer || m instanceof Long) || ((Number) m).longValue() < 1) {
        throw new InvalidInput("forManagerId", "must be a manager id");
      }
      forManager = ((Number) m).longValue();
    }
    Object s = b.getValue("forSupervisor");
    if (s != null && !(s instanceof Boolean)) {
      throw new InvalidInput("forSupervisor", "must be true or false");
    }
    boolean forSupervisor = Boolean.TRUE.equals(s);
    if (forSupervisor && forManager != null) {
      throw new InvalidInput("forManagerId", "a task is for a manager or for the supervisor, not both");
    }
    return new PgManualTasks.ManualTask(title, kind, dueAt, forManager, forSupervisor);
  }

  private static String required(JsonObject b, String field, String prefix, int max) {
    Object v = b.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new InvalidInput(prefix + field, "is required: a non-empty string");
    }
    if (s.length() > max) {
      throw new InvalidInput(prefix + field, "must be at most " + max + " characters");
    }
    return s.strip();
  }

  /** An ISO date-time with offset, not in the past (a minute's grace), at most a year ahead. */
  private static Instant due(JsonObject b, String path, Instant now) {
    String field = path.substring(path.lastIndexOf('.') + 1);
    Object v = b.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new InvalidInput(path, "is required: an ISO date-time such as 2026-12-03T15:00:00+03:00");
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(s.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidInput(path, "'" + s + "' is not an ISO date-time with offset, e.g. 2026-12-03T15:00:00+03:00");
    }
    if (at.isBefore(now.minus(Duration.ofMinutes(1)))) {
      throw new InvalidInput(path, "'" + s + "' is in the past");
    }
    if (at.isAfter(now.plus(Duration.ofDays(366)))) {
      throw new InvalidInput(path, "'" + s + "' is more than a year ahead");
    }
    return at;
  }

  private static PgManualTasks.Caller caller(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    return new PgManualTasks.Caller(p.isStaff() ? null : p.managerId(), p.actor());
  }
}
