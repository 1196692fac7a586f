package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import ru.dozvon.deals.AfterContact;
import ru.dozvon.deals.DealEventChain;
import ru.dozvon.deals.PgFollowUps;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/**
 * {@code POST /api/deals/{id}/outcome} {@code {"result": "NO_ANSWER", "note": "...", "callBackAt"?}}: the
 * manual outcome of a call to the lead: of the attempt that is due, or, before the pending attempt is due, a call
 * outside the ladder that uses up no step (DOMAIN 3). {@code callBackAt} (REACHED_CALL_LATER only): when the lead
 * asked to be called; without it the configured default delay applies. The deal's manager (an operator: own deals only) or staff. 409 on a closed
 * deal. Replies {@code {"dealId", "status", "attempts": [...]}} with the attempts as
 * {@code GET /api/deals/{id}} shows them.
 */
public final class OutcomeRoutes implements RouteGroup {

  private static final Set<String> FIELDS = Set.of("result", "note", "callBackAt", "contactStatus", "thinking");
  private static final String RESULTS = Arrays.stream(AttemptOutcome.values()).map(Enum::name)
      .collect(Collectors.joining(", "));

  private final Pool pool;
  private final PgRetryChain chain;
  private final DealEventChain events;
  private final Clock clock;
  private final AfterContact after;
  private final PgFollowUps followUps;

  OutcomeRoutes(Pool pool, PgRetryChain chain, DealEventChain events, Clock clock, AfterContact after,
                PgFollowUps followUps) {
    this.pool = pool;
    this.followUps = followUps;
    this.chain = chain;
    this.events = events;
    this.clock = clock;
    this.after = after;
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
    Instant callBackAt = callBackAt(body, result, now);
    // «Статус последнего общения» (seed 002): a code of funnel.contact_statuses, else 400 naming it
    Optional<String> contactStatus = after.checkContactStatus(Api.optionalString(body, "contactStatus", 64));
    // "will think it over": said as thinking: true, or as the contact status «Думает» with REACHED
    boolean thinking = thinking(body, result)
        || result == AttemptOutcome.REACHED && contactStatus.filter("thinking"::equals).isPresent();
    Api.reply(ctx, 200, pool.withTransaction(tx -> PgAttempts.lockDeal(tx, dealId).compose(deal -> {
      if (!p.isStaff()) {
        p.requireSelfOrStaff(deal.managerId() == null ? -1 : deal.managerId());
      }
      if (!deal.open()) {
        throw new RuleViolation("deal_closed", "the deal is already " + deal.status().name().toLowerCase(Locale.ROOT)
            + "; its attempts are over");
      }
      return chain.recordOutcome(tx, deal, result, note, callBackAt, p.actor(), null, now)
          .compose(caused -> events.publish(tx, caused))
          // a reached lead always leaves a next step: the default one when no open task is left (DOMAIN 7)
          .compose(x -> after.afterOutcome(tx, dealId, result == AttemptOutcome.REACHED, contactStatus, p.actor(), now))
          .compose(x -> thinking ? followUps.thinking(tx, dealId, deal.managerId(), now) : Future.succeededFuture())
          .compose(x -> PgAttempts.lockDeal(tx, dealId))
          .compose(saved -> PgAttempts.list(tx, dealId).map(attempts -> new JsonObject()
              .put("dealId", dealId).put("status", saved.status().name()).put("stage", saved.stage())
              .put("attempts", attempts)));
    })));
  }

  /**
   * {@code thinking: true}: the lead was reached and will think it over without naming a date; the weekly follow-up
   * cadence starts (seed 003 §4.7). Only with REACHED: a named time is {@code callBackAt} with REACHED_CALL_LATER.
   */
  private static boolean thinking(JsonObject body, AttemptOutcome result) {
    Object raw = body.getValue("thinking");
    if (raw == null) {
      return false;
    }
    if (!(raw instanceof Boolean b)) {
      throw new InvalidInput("thinking", "expected true or false");
    }
    if (b && result != AttemptOutcome.REACHED) {
      throw new InvalidInput("thinking", "is only for REACHED (the lead was reached and will think it over); "
          + "a time the lead named is callBackAt with REACHED_CALL_LATER");
    }
    return b;
  }

  /** {@code callBackAt}: an ISO instant, only with REACHED_CALL_LATER, not in the past (a minute's grace). */
  private static Instant callBackAt(JsonObject body, AttemptOutcome result, Instant now) {
    Optional<String> raw = Api.optionalString(body, "callBackAt", 64);
    if (raw.isEmpty()) {
      return null;
    }
    if (result != AttemptOutcome.REACHED_CALL_LATER) {
      throw new InvalidInput("callBackAt", "is only for REACHED_CALL_LATER (the lead asked to be called later)");
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(raw.get()).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidInput("callBackAt", "'" + raw.get() + "' is not an ISO date-time with offset, e.g. "
          + "2026-12-03T15:00:00+03:00");
    }
    if (at.isBefore(now.minus(Duration.ofMinutes(1)))) {
      throw new InvalidInput("callBackAt", "'" + raw.get() + "' is in the past");
    }
    if (at.isAfter(now.plus(Duration.ofDays(366)))) {
      throw new InvalidInput("callBackAt", "'" + raw.get() + "' is more than a year ahead");
    }
    return at;
  }

  private static AttemptOutcome result(String raw) {
    try {
      return AttemptOutcome.valueOf(raw);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("result", "'" + raw + "' is not one of " + RESULTS);
    }
  }
}
