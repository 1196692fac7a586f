package ru.dozvon.deals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.NotFound;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/**
 * The funnel over HTTP: {@code GET /api/funnel} and the deal changes {@code POST /api/deals/{id}/stage},
 * {@code /close}, {@code /reopen}, {@code /score}. Operators act on their own deals only.
 */
public final class FunnelRoutes implements RouteGroup {

  private final PgDealWorkflow workflow;
  private final PgDealQueries deals;

  public FunnelRoutes(PgDealWorkflow workflow, PgDealQueries deals) {
    this.workflow = workflow;
    this.deals = deals;
  }

  @Override
  public void mount(Router api) {
    api.get("/funnel").handler(ctx -> Api.send(ctx, 200, funnelJson(workflow.funnel())));
    api.post("/deals/:id/stage").handler(this::stage);
    api.post("/deals/:id/close").handler(this::close);
    api.post("/deals/:id/reopen").handler(this::reopen);
    api.post("/deals/:id/score").handler(this::score);
  }

  private void stage(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    JsonObject b = Api.body(ctx, Set.of("stage", "fields", "reason"));
    String stage = Api.requiredString(b, "stage", 64);
    if (workflow.funnel().stage(stage).isEmpty()) {
      // A code that is not in the funnel is bad input (the client's list is stale or mistyped), not a rule.
      throw new InvalidInput("stage", "'" + stage + "' is not a stage of the funnel (known: "
          + workflow.funnel().stages().stream().map(Stage::code).collect(Collectors.joining(", ")) + ")");
    }
    JsonObject fields = DealFields.check(b.getValue("fields"), "fields");
    String reason = Api.optionalString(b, "reason", 2000).orElse(null);
    Principal p = Api.principal(ctx);
    Api.reply(ctx, 200, workflow.move(id, stage, fields, reason, p.actor(), owner(p)).compose(x -> fetch(id)));
  }

  private void close(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    JsonObject b = Api.body(ctx, Set.of("status", "reason", "comment"));
    String raw = Api.requiredString(b, "status", 20).toUpperCase(Locale.ROOT);
    DealStatus status;
    try {
      status = DealStatus.valueOf(raw);
    } catch (IllegalArgumentException e) {
      status = DealStatus.OPEN;
    }
    if (status == DealStatus.OPEN) {
      throw new InvalidInput("status", "'" + raw + "' is not one of LOST, WON, INVALID");
    }
    // Blank or absent reason and comment are the funnel's to refuse (409 naming them), not a 400.
    String reason = text(b, "reason", 64);
    String comment = text(b, "comment", 4000);
    Principal p = Api.principal(ctx);
    Api.reply(ctx, 200, workflow.close(id, status, reason, comment, p.actor(), owner(p)).compose(x -> fetch(id)));
  }

  private void reopen(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    Principal p = Api.principal(ctx);
    workflow.reopen(id, p.actor(), owner(p))
        .compose(r -> fetch(r.dealId()).map(d -> {
          Api.send(ctx, r.newDeal() ? 201 : 200, d);
          return d;
        }))
        .onFailure(ctx::fail);
  }

  private void score(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    JsonObject b = Api.body(ctx, Set.of("points", "priority"));
    Object raw = b.getValue("points");
    if (!(raw instanceof JsonObject pts)) {
      throw new InvalidInput("points", "is required: an object of criterion code to 1..5 points");
    }
    Map<String, Integer> points = new LinkedHashMap<>();
    for (String k : pts.fieldNames()) {
      Object v = pts.getValue(k);
      if (!(v instanceof Integer || v instanceof Long)) {
        throw new InvalidInput("points." + k, "must be a whole number of points");
      }
      points.put(k, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ((Number) v).longValue())));
    }
    Optional<Priority> byHand = Api.optionalString(b, "priority", 10).map(s -> {
      try {
        return Priority.valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidInput("priority", "'" + s + "' is not one of RED, YELLOW, GREEN");
      }
    });
    Principal p = Api.principal(ctx);
    try {
      workflow.funnel().qualification().score(points);
    } catch (InvalidScoreException e) {
      throw new InvalidInput(e.field().replaceFirst("^score", "points"), e.getMessage().substring(e.field().length() + 2));
    }
    Api.reply(ctx, 200, workflow.score(id, points, byHand, p.actor(), owner(p))
        .compose(s -> fetch(id).map(d -> d.put("qualification", s))));
  }

  /** Operators act on their own deals only; an unassigned deal is staff's. */
  private static Consumer<LockedDeal> owner(Principal p) {
    return d -> {
      if (!p.isStaff() && (d.managerId() == null || !d.managerId().equals(p.managerId()))) {
        throw new Forbidden("an operator may act on their own deals only");
      }
    };
  }

  private io.vertx.core.Future<JsonObject> fetch(long id) {
    return deals.get(id).map(d -> d.orElseThrow(() -> new NotFound("deal " + id)));
  }

  private static String text(JsonObject b, String field, int max) {
    Object v = b.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw new InvalidInput(field, "must be a string");
    }
    String s = (String) v;
    if (s != null && s.length() > max) {
      throw new InvalidInput(field, "must be at most " + max + " characters");
    }
    return s;
  }

  /** The funnel as clients need it to draw stages and pick reasons. */
  static JsonObject funnelJson(Funnel f) {
    JsonArray stages = new JsonArray();
    for (Stage s : f.stages()) {
      JsonObject task = s.task().map(t -> new JsonObject().put("title", t.title())
          .put("withinMinutes", t.within().toMinutes()).put("within", t.within().toString())).orElse(null);
      stages.add(new JsonObject().put("code", s.code()).put("name", s.name())
          .put("requiredFields", new JsonArray(s.requiredFields()))
          .put("requiredFieldsTotal", new JsonArray(f.requiredFieldsFor(s.code())))
          .put("taskOnEntry", task).put("won", s.won()).put("closing", s.closing()));
    }
    JsonArray criteria = new JsonArray();
    f.qualification().criteria().forEach(c -> criteria.add(new JsonObject().put("code", c.code()).put("name", c.name())
        .put("minPoints", Criterion.MIN_POINTS).put("maxPoints", Criterion.MAX_POINTS)));
    var q = f.config().qualification();
    var closing = f.config().closing();
    return new JsonObject()
        .put("stages", stages)
        .put("lossReasons", reasons(f, DealStatus.LOST))
        .put("winReasons", reasons(f, DealStatus.WON))
        .put("invalidReasons", reasons(f, DealStatus.INVALID))
        .put("qualification", new JsonObject().put("criteria", criteria).put("redFrom", q.redFrom())
            .put("yellowFrom", q.yellowFrom()).put("unscored", q.unscored().name()))
        .put("closing", new JsonObject().put("autoCloseAfterDays", closing.autoCloseAfter().toDays())
            .put("reopenWithinDays", closing.reopenWithin().toDays()).put("reopenStage", closing.reopenStage()))
        .mergeIn(AfterContactJson.of(f.config().afterContact()));
  }

  private static JsonArray reasons(Funnel f, DealStatus status) {
    JsonArray out = new JsonArray();
    for (Reason r : f.reasonsFor(status)) {
      JsonObject o = new JsonObject().put("code", r.code()).put("name", r.name());
      r.guard().ifPresent(g -> o.put("minAttempts", g.minAttempts()).put("minSilenceDays", g.minSilence().toDays()));
      out.add(o);
    }
    return out;
  }
}
