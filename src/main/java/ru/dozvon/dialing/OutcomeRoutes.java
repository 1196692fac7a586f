package ru.dozvon.dialing;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/**
 * {@code POST /api/deals/{id}/outcome} {@code {"result": "NO_ANSWER", "note": "..."}}: the manual
 * outcome of the current attempt (the one fired to the manager, or the next pending one when the
 * manager calls early). The deal's manager (an operator: own deals only) or staff. 409 on a closed
 * deal. Replies {@code {"dealId", "status", "attempts": [...]}} with the attempts as
 * {@code GET /api/deals/{id}} shows them.
 */
public final class OutcomeRoutes implements RouteGroup {

  private static final Set<String> FIELDS = Set.of("result", "note");
  private static final String RESULTS = Arrays.stream(AttemptOutcome.values()).map(Enum::name)
      .collect(Collectors.joining(", "));

  private final Pool pool;
  private final PgRetryChain chain;
  private final Clock clock;

  OutcomeRoutes(Pool pool, PgRetryChain chain, Clock clock) {
    this.pool = pool;
    this.chain = chain;
    this.clock = clock;
  }

  @Override
  public void mount(Router api) {
    api.post("/deals/:id/outcome").handler(this::outcome);
  }

  private void outcome(RoutingContext ctx) {
    long dealId = Api.idParam(ctx, "id");
    Principal p = Api.principal(ctx);
    JsonObject body = Api.body(ctx, FIELDS);
    AttemptOutcome result = result(Api.requiredString(body, "result", 64));
    String note = Api.optionalString(body, "note", 2000).orElse(null);
    Instant now = clock.instant();
    Api.reply(ctx, 200, pool.withTransaction(tx -> PgAttempts.lockDeal(tx, dealId).compose(deal -> {
      if (!p.isStaff()) {
        p.requireSelfOrStaff(deal.managerId() == null ? -1 : deal.managerId());
      }
      if (!deal.open()) {
        throw new RuleViolation("deal_closed", "the deal is already " + deal.status().toLowerCase(java.util.Locale.ROOT)
            + "; its attempts are over");
      }
      return chain.recordOutcome(tx, deal, result, note, p.actor(), null, now)
          .compose(x -> PgAttempts.lockDeal(tx, dealId))
          .compose(after -> PgAttempts.list(tx, dealId).map(attempts -> new JsonObject()
              .put("dealId", dealId).put("status", after.status()).put("stage", after.stage())
              .put("attempts", attempts)));
    })));
  }

  private static AttemptOutcome result(String raw) {
    try {
      return AttemptOutcome.valueOf(raw);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("result", "'" + raw + "' is not one of " + RESULTS);
    }
  }
}
