package ru.dozvon.managers;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.NotFound;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;

/**
 * {@code /api/managers}: staff create and change managers; an operator sees only themselves and
 * may only change their own state (go on shift, pause, go off).
 */
public final class ManagerRoutes implements RouteGroup {

  private static final Set<String> CREATE_FIELDS = Set.of("name", "extension", "maxActiveDeals", "timezone", "role");
  private static final Set<String> PATCH_FIELDS =
      Set.of("name", "extension", "maxActiveDeals", "timezone", "state", "webhookUrl");

  /**
   * What routing adds to managers, passed in so that this package does not depend on routing: the smoothed
   * conversion rating shown with each manager, and a nudge when a manager may have become able to take leads.
   */
  public interface RoutingHooks {
    /** The rating of each of these managers as JSON (value, won, lost, teamAverage, ...). */
    Future<Map<Long, JsonObject>> ratings(Collection<Long> managerIds);

    /** A manager went on shift or got a higher cap: assign waiting deals now. */
    Future<?> capacityMayHaveGrown();
  }

  private final PgManagerRepository managers;
  private final ManagerFigures figures;
  private final RoutingHooks routing;

  /**
   * @param figures speed-to-lead and webhook per manager
   * @param routing ratings to show, and the hook that assigns waiting deals when capacity grows
   */
  public ManagerRoutes(PgManagerRepository managers, ManagerFigures figures, RoutingHooks routing) {
    this.managers = java.util.Objects.requireNonNull(managers);
    this.figures = java.util.Objects.requireNonNull(figures);
    this.routing = routing;
  }

  @Override
  public void mount(Router api) {
    api.post("/managers").handler(this::create);
    api.get("/managers").handler(this::list);
    api.get("/managers/:id").handler(this::get);
    api.patch("/managers/:id").handler(this::patch);
  }

  private void create(RoutingContext ctx) {
    Api.principal(ctx).require(Role.ADMIN, Role.SUPERVISOR);
    JsonObject b = Api.body(ctx, CREATE_FIELDS);
    String role = Api.optionalString(b, "role", 20).orElse("operator");
    if (!role.equals("operator") && !role.equals("supervisor")) {
      throw new InvalidInput("role", "must be operator or supervisor");
    }
    var m = new PgManagerRepository.NewManager(
        Api.requiredString(b, "name", 200),
        extension(b).orElseThrow(() -> new InvalidInput("extension", "is required")),
        role,
        Api.requiredInt(b, "maxActiveDeals", 0, 10000),
        timezone(b).orElse(null));
    Api.reply(ctx, 201, managers.create(m).recover(ManagerRoutes::duplicateExtension)
        .map(c -> c.manager().toJson().put("token", c.token())));
  }

  private void list(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    Future<Map<Long, JsonObject>> extra = figures.all();
    Api.reply(ctx, 200, managers.list().compose(all -> {
      List<Manager> visible = all.stream().filter(m -> p.isStaff() || Long.valueOf(m.id()).equals(p.managerId()))
          .toList();
      return Future.all(extra, routing.ratings(visible.stream().map(Manager::id).toList())).map(both -> {
        Map<Long, JsonObject> fig = both.resultAt(0);
        Map<Long, JsonObject> ratings = both.resultAt(1);
        JsonArray out = new JsonArray();
        visible.forEach(m -> out.add(withRating(m, ratings).mergeIn(fig.getOrDefault(m.id(), new JsonObject()))));
        return out;
      });
    }));
  }

  private void get(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    Principal p = Api.principal(ctx);
    p.requireSelfOrStaff(id);
    Api.reply(ctx, 200, managers.find(id)
        .compose(m -> withRating(m.orElseThrow(() -> new NotFound("manager " + id))))
        .compose(this::withFigures));
  }

  private void patch(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    Principal p = Api.principal(ctx);
    JsonObject b = Api.body(ctx, PATCH_FIELDS);
    if (!p.isStaff()) {
      p.requireSelfOrStaff(id);
      if (!Set.of("state").containsAll(b.fieldNames())) {
        throw new ru.dozvon.errors.Forbidden("an operator may change only their own state");
      }
    }
    Optional<ManagerState> state = Api.optionalString(b, "state", 20).map(s -> {
      try {
        return ManagerState.valueOf(s);
      } catch (IllegalArgumentException e) {
        throw new InvalidInput("state", "must be one of ON_SHIFT, PAUSED, OFF");
      }
    });
    var change = new PgManagerRepository.Change(extension(b), Api.optionalInt(b, "maxActiveDeals", 0, 10000), state,
        Api.optionalString(b, "name", 200), timezone(b));
    boolean setsWebhook = b.containsKey("webhookUrl");
    Optional<String> webhookUrl = setsWebhook ? ManagerFigures.checkUrl(b.getValue("webhookUrl")) : Optional.empty();
    Api.reply(ctx, 200, managers.update(id, change).recover(ManagerRoutes::duplicateExtension)
        .map(m -> m.orElseThrow(() -> new NotFound("manager " + id)))
        .compose(m -> {
          boolean mayTakeMore = m.state() == ManagerState.ON_SHIFT
              && (state.isPresent() || change.maxActiveDeals().isPresent());
          if (!mayTakeMore) {
            return withRating(m);
          }
          // Reply once waiting deals went to whoever can take them now, with the load that results.
          return routing.capacityMayHaveGrown().transform(x -> managers.find(id))
              .compose(again -> withRating(again.orElse(m)));
        })
        .compose(json -> !setsWebhook ? Future.succeededFuture(json)
            : figures.setWebhook(id, webhookUrl).map(secret -> json.put("webhookSecret", secret.orElse(null))))
        .compose(this::withFigures));
  }

  /** The manager's JSON with their figures (speed-to-lead, webhook) merged in. */
  private Future<JsonObject> withFigures(JsonObject manager) {
    return figures.all().map(all -> manager.mergeIn(all.getOrDefault(manager.getLong("id"), new JsonObject())));
  }

  private Future<JsonObject> withRating(Manager m) {
    return routing.ratings(List.of(m.id())).map(ratings -> withRating(m, ratings));
  }

  private static JsonObject withRating(Manager m, Map<Long, JsonObject> ratings) {
    JsonObject json = m.toJson();
    JsonObject rating = ratings.get(m.id());
    if (rating != null) {
      json.put("rating", rating);
    }
    return json;
  }

  private static Optional<String> extension(JsonObject b) {
    Object v = b.getValue("extension");
    if (v instanceof Number n) {
      v = String.valueOf(n.longValue());
    }
    if (v != null && !(v instanceof String)) {
      throw new InvalidInput("extension", "must be 2 to 10 digits");
    }
    Optional<String> ext = Optional.ofNullable((String) v).map(String::strip);
    if (ext.isPresent() && !ext.get().matches("[0-9]{2,10}")) {
      throw new InvalidInput("extension", "must be 2 to 10 digits");
    }
    return ext;
  }

  private static Optional<String> timezone(JsonObject b) {
    return Api.optionalString(b, "timezone", 64).map(z -> {
      try {
        return ZoneId.of(z).getId();
      } catch (DateTimeException e) {
        throw new InvalidInput("timezone", "'" + z + "' is not a time zone such as Europe/Moscow");
      }
    });
  }

  private static <T> Future<T> duplicateExtension(Throwable t) {
    if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(new RuleViolation("extension_taken", "extension is already used by another manager"));
    }
    return Future.failedFuture(t);
  }
}
