package ru.dozvon.deals;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/**
 * {@code GET /api/tasks?managerId=&due=} (open tasks, most urgent first) and
 * ({@code POST /api/tasks/{id}/done} is {@link AfterContactRoutes}'). Operators see and finish their own tasks; staff see everyone's,
 * with the supervisors' control tasks.
 */
public final class TaskRoutes implements RouteGroup {

  private final PgTaskStore tasks;
  private final Clock clock;
  private final ZoneId zone;

  /** @param zone the company time zone: "today" ends at its midnight */
  public TaskRoutes(PgTaskStore tasks, Clock clock, ZoneId zone) {
    this.tasks = tasks;
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  public void mount(Router api) {
    api.get("/tasks").handler(this::list);
    // POST /tasks/{id}/done (with its note and next step) is AfterContactRoutes'
  }

  private void list(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    Instant now = clock.instant();
    Optional<Long> managerId = Api.idQuery(ctx, "managerId");
    if (!p.isStaff()) {
      if (managerId.isPresent() && !managerId.get().equals(p.managerId())) {
        throw new Forbidden("an operator may list their own tasks only");
      }
      managerId = Optional.of(p.managerId());
    }
    Optional<Instant> before = due(ctx.queryParams().get("due"), now);
    var filter = new PgTaskStore.Filter(managerId, p.isStaff(), before);
    Api.reply(ctx, 200, tasks.list(filter, now));
  }

  /** {@code overdue}: due before now; {@code today}: before the company's next midnight; an ISO instant: before it. */
  private Optional<Instant> due(String raw, Instant now) {
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    String v = raw.strip();
    if (v.equals("overdue")) {
      return Optional.of(now);
    }
    if (v.equals("today")) {
      return Optional.of(LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone).toInstant());
    }
    try {
      return Optional.of(Instant.parse(v));
    } catch (DateTimeParseException e) {
      throw new InvalidInput("due", "'" + v + "' is not overdue, today or an ISO instant such as 2026-01-31T18:00:00Z");
    }
  }
}
