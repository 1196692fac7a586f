package ru.dozvon.intake;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import ru.dozvon.deals.PgDealQueries;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.NotFound;
import ru.dozvon.web.Api;
import ru.dozvon.web.RouteGroup;

/**
 * {@code POST /api/leads}: a lead from a form, chat, email, messenger or typed in by hand. Answers
 * the deal: 201 when it is new, 200 when the lead attached to the contact's open deal; the same
 * {@code Idempotency-Key} answers the same deal and status again.
 */
public final class LeadRoutes implements RouteGroup {

  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final LeadIntake intake;
  private final PgDealQueries deals;

  public LeadRoutes(LeadIntake intake, PgDealQueries deals) {
    this.intake = intake;
    this.deals = deals;
  }

  @Override
  public void mount(Router api) {
    api.post("/leads").handler(this::create);
  }

  private void create(RoutingContext ctx) {
    Optional<String> key = idempotencyKey(ctx.request().getHeader(IDEMPOTENCY_KEY));
    JsonObject body = Api.body(ctx, Lead.BODY_FIELDS);
    Lead lead = Lead.parse(body, null);
    intake.accept(lead, key, Optional.empty(), Api.principal(ctx).actor())
        .compose(a -> deals.get(a.dealId()).map(d -> {
          Api.send(ctx, a.status(), d.orElseThrow(() -> new NotFound("deal " + a.dealId())));
          return a;
        }))
        .onFailure(ctx::fail);
  }

  static Optional<String> idempotencyKey(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String k = raw.strip();
    if (k.isEmpty() || k.length() > 200 || !k.matches("[\\x21-\\x7e]+")) {
      throw new InvalidInput(IDEMPOTENCY_KEY, "must be 1 to 200 printable characters without spaces");
    }
    return Optional.of(k);
  }
}
