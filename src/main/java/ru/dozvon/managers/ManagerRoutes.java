package ru.dozvon.managers;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.NotFound;
import ru.dozvon.signin.PasswordRules;
import ru.dozvon.signin.Passwords;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;

/**
 * {@code /api/managers}: staff create, change and deactivate managers; an operator sees only themselves and
 * may only change their own state (go on shift, pause, go off). Managers are never deleted: {@code DELETE}
 * deactivates, as {@code PATCH {"active": false}} does. Staff set a manager's {@code login} and {@code password}
 * (create or PATCH; a supervisor's by the admin only); a new password ends the manager's sessions. Only the admin
 * changes a {@code role} ({@link RoleChange}: sessions end, an operator's deals go back to routing; the answer's
 * {@code roleChange} says what it did).
 */
public final class ManagerRoutes implements RouteGroup {

  private static final Set<String> CREATE_FIELDS = Set.of("name", "extension", "maxActiveDeals", "timezone", "role",
      "login", "password");
  private static final Set<String> PATCH_FIELDS =
      Set.of("name", "extension", "maxActiveDeals", "timezone", "state", "webhookUrl", "active", "autoDial",
          "login", "password", "role");

  /**
   * What routing adds to managers, passed in so that this package does not depend on routing: the smoothed
   * conversion rating shown with each manager, and a nudge when a manager may have become able to take leads.
   */
  public interface RoutingHooks {
    /** The rating of each of these managers as JSON (value, won, lost, teamAverage, ...). */
    Future<Map<Long, JsonObject>> ratings(Collection<Long> managerIds);

    /** A manager went on shift or got a higher cap: assign waiting deals now. */
    Future<?> capacityMayHaveGrown();

    /** A deactivated manager's deals were marked for routing in a transaction just committed: route them now. */
    Future<?> ownersReleased();
  }

  private final PgManagerRepository managers;
  private final PgAccounts accounts;
  private final ManagerFigures figures;
  private final RoutingHooks routing;
  private final Passwords passwords;

  /**
   * @param accounts changes to managers with their consequences (deactivation)
   * @param figures speed-to-lead and webhook per manager
   * @param routing ratings to show, and the hooks that route deals when capacity grows or owners are released
   */
  public ManagerRoutes(PgManagerRepository managers, PgAccounts accounts, ManagerFigures figures,
                       RoutingHooks routing, Passwords passwords) {
    this.passwords = java.util.Objects.requireNonNull(passwords);
    this.managers = java.util.Objects.requireNonNull(managers);
    this.accounts = java.util.Objects.requireNonNull(accounts);
    this.figures = java.util.Objects.requireNonNull(figures);
    this.routing = routing;
  }

  @Override
  public void mount(Router api) {
    api.post("/managers").handler(this::create);
    api.get("/managers").handler(this::list);
    api.get("/managers/:id").handler(this::get);
    api.patch("/managers/:id").handler(this::patch);
    api.delete("/managers/:id").handler(this::deactivate);
  }

  private void create(RoutingContext ctx) {
    Api.principal(ctx).require(Role.ADMIN, Role.SUPERVISOR);
    JsonObject b = Api.body(ctx, CREATE_FIELDS);
    String role = Api.optionalString(b, "role", 20).orElse("operator");
    if (!role.equals("operator") && !role.equals("supervisor")) {
      throw new InvalidInput("role", "must be operator or supervisor");
    }
    String name = Api.requiredString(b, "name", 200);
    String extension = ManagerInput.extension(b).orElseThrow(() -> new InvalidInput("extension", "is required"));
    int max = Api.requiredInt(b, "maxActiveDeals", 0, 10000);
    String timezone = ManagerInput.timezone(b).orElse(null);
    Optional<String> login = b.containsKey("login") ? Optional.of(PasswordRules.login("login", b.getValue("login")))
        : Optional.empty();
    Optional<String> password = b.containsKey("password")
        ? Optional.of(PasswordRules.password("password", b.getValue("password"))) : Optional.empty();
    if (password.isPresent() && login.isEmpty()) {
      throw new InvalidInput("login", "is required with a password (what they sign in with)");
    }
    Future<String> hash = password.isPresent() ? passwords.hash(password.get()) : Future.succeededFuture(null);
    Api.reply(ctx, 201, hash.compose(h -> managers.create(new PgManagerRepository.NewManager(name, extension, role,
            max, timezone, login.orElse(null), h)))
        .recover(ManagerInput::duplicateExtension)
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
      if (!Set.of("state", "autoDial").containsAll(b.fieldNames())) {
        throw new ru.dozvon.errors.Forbidden("an operator may change only their own state and dialer");
      }
    }
    Optional<ManagerState> state = Api.optionalString(b, "state", 20).map(s -> {
      try {
        return ManagerState.valueOf(s);
      } catch (IllegalArgumentException e) {
        throw new InvalidInput("state", "must be one of ON_SHIFT, PAUSED, OFF");
      }
    });
    Object active = b.getValue("active");
    if (active != null && !(active instanceof Boolean)) {
      throw new InvalidInput("active", "must be true or false");
    }
    Object autoDial = b.getValue("autoDial");
    if (autoDial != null && !(autoDial instanceof Boolean)) {
      throw new InvalidInput("autoDial", "must be true or false");
    }
    var change = new PgManagerRepository.Change(ManagerInput.extension(b),
        Api.optionalInt(b, "maxActiveDeals", 0, 10000), state, Api.optionalString(b, "name", 200),
        ManagerInput.timezone(b), Optional.ofNullable((Boolean) active), Optional.ofNullable((Boolean) autoDial),
        b.containsKey("role") ? Optional.of(RoleChange.parse(b.getValue("role"))) : Optional.empty());
    Optional<String> login = b.containsKey("login") ? Optional.of(PasswordRules.login("login", b.getValue("login")))
        : Optional.empty();
    Optional<String> password = b.containsKey("password")
        ? Optional.of(PasswordRules.password("password", b.getValue("password"))) : Optional.empty();
    boolean setsWebhook = b.containsKey("webhookUrl");
    Future<Optional<String>> webhookUrl = setsWebhook ? figures.checkUrl(b.getValue("webhookUrl"))
        : Future.succeededFuture(Optional.empty());
    Future<PgAccounts.Credentials> creds = password.isEmpty()
        ? Future.succeededFuture(new PgAccounts.Credentials(login, Optional.empty()))
        : passwords.hash(password.get()).map(h -> new PgAccounts.Credentials(login, Optional.of(h)));
    Future<JsonObject> changed = webhookUrl.compose(url -> creds.compose(cr -> change(id, change, cr, p))
        .compose(json -> !setsWebhook ? Future.succeededFuture(json)
            : figures.setWebhook(id, url).map(secret -> json.put("webhookSecret", secret.orElse(null)))));
    Api.reply(ctx, 200, changed.compose(this::withFigures));
  }

  /** {@code DELETE /api/managers/{id}}: deactivates (the row stays); 200 with the manager. */
  private void deactivate(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    Principal p = Api.principal(ctx);
    p.require(Role.ADMIN, Role.SUPERVISOR);
    var change = new PgManagerRepository.Change(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(false));
    Api.reply(ctx, 200, change(id, change, p).compose(this::withFigures));
  }

  /** Applies a change, then lets routing act on what it freed: the manager's JSON with their rating. */
  private Future<JsonObject> change(long id, PgManagerRepository.Change change, Principal p) {
    return change(id, change, PgAccounts.Credentials.NONE, p);
  }

  private Future<JsonObject> change(long id, PgManagerRepository.Change change, PgAccounts.Credentials creds,
                                    Principal p) {
    return accounts.update(id, change, creds, p).recover(ManagerInput::duplicateExtension)
        .map(u -> u.orElseThrow(() -> new NotFound("manager " + id)))
        .compose(u -> changed(id, change, u)
            .map(json -> u.roleChange().map(rc -> json.put("roleChange", rc.toJson())).orElse(json)));
  }

  private Future<JsonObject> changed(long id, PgManagerRepository.Change change, PgAccounts.Updated u) {
    Manager m = u.manager();
    if (u.releasedDeals() > 0) {
      // Deactivated, or no longer an operator: reply once their deals went to whoever can take them (or wait in
      // the queue); should routing fail now, the deals keep their mark and its poll routes them within a second.
      return routing.ownersReleased().transform(x -> withRating(m));
    }
    // the dialer is woken by the same hook: on shift again, or switched on, it may ring them now
    boolean mayTakeMore = m.state() == ManagerState.ON_SHIFT && (change.state().isPresent()
        || change.maxActiveDeals().isPresent() || change.autoDial().isPresent()
        || u.roleChange().isPresent() && "operator".equals(m.role()));
    if (!mayTakeMore) {
      return withRating(m);
    }
    // Reply once waiting deals went to whoever can take them now, with the load that results.
    return routing.capacityMayHaveGrown().transform(x -> managers.find(id))
        .compose(again -> withRating(again.orElse(m)));
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
}
