package ru.dozvon.deals;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.NotFound;
import ru.dozvon.phone.InvalidPhoneNumberException;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/** {@code GET /api/deals} and {@code GET /api/deals/{id}}; an operator sees only their own deals. */
public final class DealRoutes implements RouteGroup {

  private static final Set<String> STATUSES = java.util.Arrays.stream(DealStatus.values()).map(Enum::name)
      .collect(java.util.stream.Collectors.toUnmodifiableSet());
  private static final Set<String> SOURCES =
      Set.of("missed_call", "inbound_call", "web_form", "chat", "email", "messenger", "manual");

  private final PgDealQueries deals;

  public DealRoutes(PgDealQueries deals) {
    this.deals = deals;
  }

  @Override
  public void mount(Router api) {
    api.get("/deals").handler(this::list);
    api.get("/deals/:id").handler(this::get);
  }

  private void list(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    Optional<Long> managerId = Api.idQuery(ctx, "managerId");
    if (!p.isStaff()) {
      if (managerId.isPresent() && !managerId.get().equals(p.managerId())) {
        throw new Forbidden("an operator may list their own deals only");
      }
      managerId = Optional.of(p.managerId());
    }
    Optional<String> phone = query(ctx, "phone").map(raw -> {
      try {
        return PhoneNumbers.parse(raw).e164();
      } catch (InvalidPhoneNumberException e) {
        throw new InvalidInput("phone", e.getMessage());
      }
    });
    Optional<String> status = query(ctx, "status").map(s -> oneOf("status", s.toUpperCase(java.util.Locale.ROOT), STATUSES));
    Optional<String> source = query(ctx, "source").map(s -> oneOf("source", s, SOURCES));
    Optional<String> stage = query(ctx, "stage");
    if (stage.isPresent() && !stage.get().matches("[a-z0-9_]{1,64}")) {
      throw new InvalidInput("stage", "'" + stage.get() + "' is not a stage code");
    }
    int limit = Api.limitQuery(ctx, 50, 500);
    Optional<String> contactStatus = query(ctx, "contactStatus");
    if (contactStatus.isPresent() && !contactStatus.get().matches("[a-z][a-z0-9_]{0,63}")) {
      throw new InvalidInput("contactStatus", "'" + contactStatus.get() + "' is not a contact status code");
    }
    boolean noNextStep = query(ctx, "noNextStep").map(v -> switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidInput("noNextStep", "'" + v + "' is not true or false");
    }).orElse(false);
    if (noNextStep && !p.isStaff()) {
      throw new Forbidden("the deals without a next step are the supervisor's list");
    }
    Optional<Boolean> cold = query(ctx, "cold").map(c -> switch (c) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidInput("cold", "'" + c + "' is not true or false");
    });
    var filter = new PgDealQueries.Filter(phone, stage, status, source, managerId, Api.idQuery(ctx, "beforeId"), limit,
        contactStatus, noNextStep, cold);
    Api.reply(ctx, 200, deals.list(filter));
  }

  private void get(RoutingContext ctx) {
    long id = Api.idParam(ctx, "id");
    Principal p = Api.principal(ctx);
    Api.reply(ctx, 200, deals.get(id).map(found -> {
      var deal = found.orElseThrow(() -> new NotFound("deal " + id));
      if (!p.isStaff() && !java.util.Objects.equals(deal.getLong("managerId"), p.managerId())) {
        throw new Forbidden("an operator may see their own deals only");
      }
      return deal;
    }));
  }

  private static Optional<String> query(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static String oneOf(String field, String value, Set<String> allowed) {
    if (!allowed.contains(value)) {
      throw new InvalidInput(field, "'" + value + "' is not one of " + new java.util.TreeSet<>(allowed));
    }
    return value;
  }

}
