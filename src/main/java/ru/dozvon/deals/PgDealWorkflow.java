package ru.dozvon.deals;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.phone.PhoneNumber;

/**
 * Funnel changes to stored deals, each one transaction: lock the deal, ask the pure {@link Funnel},
 * store what it allows (stage, fields, tasks, closing, history) and tell the listeners. A refusal
 * becomes a {@link RuleViolation} (409 naming the rule and the missing fields).
 */
public final class PgDealWorkflow {

  /** What a reopen did: the same deal back in work, or a new deal linked to the old one. */
  public record Reopened(long dealId, boolean newDeal) {
  }

  private final Pool pool;
  private final Funnel funnel;
  private final PgFollowUps followUps;
  private final DealEventChain listeners;
  private final Clock clock;
  private final AfterContact afterContact;

  public PgDealWorkflow(Pool pool, Funnel funnel, DealEventChain listeners, Clock clock) {
    this(pool, funnel, listeners, clock, ZoneId.of("Europe/Moscow"));
  }

  /** @param zone the company time zone: a date field without a time means the start of that day there */
  public PgDealWorkflow(Pool pool, Funnel funnel, DealEventChain listeners, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.funnel = funnel;
    this.followUps = new PgFollowUps(funnel);
    this.listeners = listeners;
    this.clock = clock;
    this.afterContact = new AfterContact(funnel, zone);
  }

  /** The follow-up cadences, for other features to call inside their transaction. */
  public PgFollowUps followUps() {
    return followUps;
  }

  public Funnel funnel() {
    return funnel;
  }

  /** The after-contact steps (contact status, next step, date tasks) for other features' transactions. */
  public AfterContact afterContact() {
    return afterContact;
  }

  /**
   * Checks a loss reason some rule will close deals with is one of the funnel's, by code or name; returns its code.
   *
   * @throws IllegalArgumentException naming the setting when it is not
   */
  public String requireLossReason(String reason, String setting) {
    return funnel.reasonsFor(DealStatus.LOST).stream()
        .filter(r -> r.code().equals(reason) || r.name().equals(reason)).findFirst().map(Reason::code)
        .orElseThrow(() -> new IllegalArgumentException(setting + ": '" + reason
            + "' is not a loss reason of the funnel (expected a code or name from funnel.loss_reasons)"));
  }

  /** The funnel's refusal as the web layer's 409. */
  public static RuleViolation violation(Refusal r) {
    return new RuleViolation(r.code(), r.message(), r.missingFields());
  }

  /**
   * Moves a deal to another stage, merging the submitted fields and creating the entry task.
   *
   * @param guard checks the caller may act on the deal (it gets the locked deal)
   */
  public Future<Void> move(long dealId, String stage, JsonObject fields, String reason, String actor,
                           Consumer<LockedDeal> guard) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      guard.accept(d);
      StageMove move = funnel.check(d.view(), stage, DealFields.asText(fields), now);
      if (move instanceof StageMove.Refused r) {
        throw violation(r.refusal());
      }
      StageMove.Allowed ok = (StageMove.Allowed) move;
      return PgDealStore.moveStage(tx, d, ok.fromStage(), ok.toStage(), fields, ok.task(), reason, actor, now)
          .compose(x -> afterContact.dateTasks(tx, dealId, d.managerId(), fields, actor, now))
          .compose(x -> followUps.stageMoved(tx, d, ok.toStage(), d.fields().copy().mergeIn(fields), now));
    }));
  }

  /** Closes a deal as won, lost or invalid by a person. */
  public Future<Void> close(long dealId, DealStatus status, String reason, String comment, String actor,
                            Consumer<LockedDeal> guard) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      guard.accept(d);
      Closure c = funnel.close(d.view(), status, reason, comment, now);
      if (c instanceof Closure.Refused r) {
        throw violation(r.refusal());
      }
      return applyClosure(tx, d, (Closure.Closed) c, actor);
    }));
  }

  /**
   * Closes the deal by the 8-week rule if it is still due (read again under the lock: a contact may
   * have come in since the scan). Returns whether it closed.
   */
  public Future<Boolean> autoCloseIfDue(long dealId) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      Optional<Closure.Closed> due = funnel.autoCloseDue(d.view(), now);
      return due.isEmpty() ? Future.succeededFuture(false) : applyClosure(tx, d, due.get(), "system").map(true);
    }));
  }

  private Future<Void> applyClosure(SqlConnection tx, LockedDeal d, Closure.Closed c, String actor) {
    return PgDealStore.close(tx, d, c, actor, new JsonObject()).compose(closed -> listeners.publish(tx, closed));
  }

  /**
   * The callback ladder's own close (DOMAIN 3: every step tried without reaching the lead): lost with the retry
   * policy's reason, exactly as the funnel closes any deal (stage, control task, the manager's tasks done), inside
   * dialing's transaction. Returns the {@code Closed} event for the caller to hand on (dialing's listener returns
   * it to the chain); empty when the deal is no longer open.
   */
  public Future<Optional<DealEvent.Closed>> closeByLadder(SqlConnection tx, long dealId, String lossReason,
                                                          String comment, Instant now) {
    return LockedDeal.lock(tx, dealId).compose(d -> {
      if (d.view().status().isClosed()) {
        return Future.succeededFuture(Optional.<DealEvent.Closed>empty());
      }
      // A rule's close: the «не дозвонился» guard (3 attempts, 3 weeks) is for people closing by hand.
      Closure.Closed c = funnel.closeByRule(d.view(), DealStatus.LOST, requireLossReason(lossReason, "loss reason"),
          comment, now).orThrow();
      return PgDealStore.close(tx, d, c, "system", new JsonObject().put("automatic", true)
          .put("by", "retry policy: ladder exhausted")).map(Optional::of);
    });
  }

  /**
   * The lead was reached: a deal still in the funnel's first stage moves on to the next one, with its entry task
   * (DOMAIN 5: "in work"), inside the caller's transaction. Nothing for a deal further along.
   */
  public Future<Void> intoWorkOnContact(SqlConnection tx, long dealId, String actor, Instant now) {
    String first = funnel.firstStage().code();
    if (funnel.stages().size() < 2 || !funnel.stages().get(1).isOpen()) {
      return Future.succeededFuture();
    }
    String next = funnel.stages().get(1).code();
    return LockedDeal.lock(tx, dealId).compose(d -> !first.equals(d.view().stage()) || d.view().status().isClosed()
        ? Future.succeededFuture()
        : PgDealStore.moveStage(tx, d, first, next, new JsonObject(), funnel.entryTask(next, now),
            "the lead was reached", actor, now).mapEmpty());
  }

  /** Brings a lost deal back into work, or starts a new deal linked to it when the loss is too old. */
  public Future<Reopened> reopen(long dealId, String actor, Consumer<LockedDeal> guard) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      guard.accept(d);
      Reopening r = funnel.reopen(d.view(), now);
      if (r instanceof Reopening.Refused refused) {
        throw violation(refused.refusal());
      }
      // Same order as every intake path (contact, then deal) would be nicer, but the deal lock is
      // already held; the partial unique index still refuses a second open deal if one slips in.
      return otherOpenDeal(tx, d).compose(open -> {
        if (open.isPresent()) {
          throw new RuleViolation("contact_has_open_deal", "the contact already has open deal " + open.get()
              + "; work that one instead", List.of());
        }
        if (r instanceof Reopening.Reopened back) {
          return reopenSame(tx, d, back, actor, now).map(new Reopened(dealId, false));
        }
        return startLinked(tx, d, (Reopening.NewLinkedDeal) r, actor, now);
      });
    }));
  }

  private static Future<Optional<Long>> otherOpenDeal(SqlConnection tx, LockedDeal d) {
    return tx.preparedQuery("SELECT id FROM deals WHERE contact_id = $1 AND status = 'OPEN' AND id <> $2")
        .execute(Tuple.of(d.contactId(), d.id()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  private Future<Void> reopenSame(SqlConnection tx, LockedDeal d, Reopening.Reopened back, String actor, Instant now) {
    // The owner keeps the deal unless deactivated meanwhile (or it never had one): then routing decides, as for a
    // deal from the PBX (the mark commits with the reopening; the router's poll picks it up within a second).
    return tx.preparedQuery("""
            WITH u AS (
              UPDATE deals SET status = 'OPEN', stage = $2, closed_at = NULL, loss_reason = NULL, close_reason = NULL,
                               close_comment = NULL, updated_at = $3,
                               manager_id = (SELECT m.id FROM managers m WHERE m.id = deals.manager_id AND m.active)
              WHERE id = $1 RETURNING id, manager_id),
            marked AS (INSERT INTO routing_pending (deal_id) SELECT id FROM u WHERE manager_id IS NULL
                       ON CONFLICT DO NOTHING),
            unmarked AS (DELETE FROM routing_pending WHERE deal_id = $1 AND EXISTS (
                           SELECT 1 FROM u WHERE manager_id IS NOT NULL))
            SELECT manager_id FROM u""")
        .execute(Tuple.of(d.id(), back.stage(), Sql.ts(now)))
        .compose(rows -> {
          Long owner = rows.iterator().next().getLong(0);
          // the supervisor's check of the closing is moot once the deal is back in work
          return PgTaskStore.closeOpen(tx, d.id(), TaskKind.CLOSING_CONTROL, now)
              .compose(x -> back.task().isPresent()
                  ? PgTaskStore.create(tx, d.id(), owner, back.task().get()).mapEmpty() : Future.<Void>succeededFuture())
              .compose(x -> PgDealStore.history(tx, d.id(), now, "reopened", actor, new JsonObject()
                  .put("stage", back.stage()).put("lostReason", d.view().lossReason())
                  .put("closedAt", d.view().closedAt().toString()).put("managerId", owner)
                  .put("previousManagerId", d.managerId())));
        });
  }

  private Future<Reopened> startLinked(SqlConnection tx, LockedDeal old, Reopening.NewLinkedDeal next, String actor,
                                       Instant now) {
    JsonObject fields = old.fields().copy();
    return PgDealStore.findOrCreateOpenDeal(tx, old.contactId(), old.source(), fields, now).compose(created -> {
      long id = created.dealId();
      // The old owner keeps the lead, unless deactivated meanwhile: then routing decides (Created, below).
      return tx.preparedQuery("""
              UPDATE deals SET linked_deal_id = $2, stage = $3,
                               manager_id = (SELECT m.id FROM managers m WHERE m.id = $4 AND m.active)
              WHERE id = $1 RETURNING manager_id""")
          .execute(Tuple.wrap(java.util.Arrays.asList(id, old.id(), next.stage(), old.managerId())))
          .compose(rows -> {
            Long kept = rows.iterator().next().getLong(0);
            return linkedStory(tx, old, next, id, kept, actor, now);
          });
    });
  }

  private Future<Reopened> linkedStory(SqlConnection tx, LockedDeal old, Reopening.NewLinkedDeal next, long id,
                                       Long kept, String actor, Instant now) {
    return PgDealStore.history(tx, id, now, "created", actor, new JsonObject()
              .put("source", old.source()).put("linkedDealId", old.id()).put("stage", next.stage()))
          .compose(x -> PgDealStore.history(tx, old.id(), now, "reopened", actor, new JsonObject()
              .put("newDealId", id).put("closedAt", old.view().closedAt().toString())))
          .compose(x -> PgTaskStore.closeOpen(tx, old.id(), TaskKind.CLOSING_CONTROL, now))
          .compose(x -> phoneOf(tx, old.contactId()))
          .compose(phone -> listeners.publish(tx, new DealEvent.Created(id, old.contactId(), old.source(), phone, now)))
          // The old owner keeps the lead; their notification goes out as for any assignment.
          .compose(x -> kept == null ? Future.<Void>succeededFuture()
              : listeners.publish(tx, new DealEvent.Assigned(id, kept, false, now)))
          // The entry task goes to whoever owns the deal once routing has had its say.
          .compose(x -> tx.preparedQuery("SELECT manager_id FROM deals WHERE id = $1").execute(Tuple.of(id)))
          .compose(rows -> next.task().isPresent()
              ? PgTaskStore.create(tx, id, rows.iterator().next().getLong(0), next.task().get()).mapEmpty()
              : Future.<Void>succeededFuture())
          .map(new Reopened(id, true));
  }

  /** The contact's phone, or null when they are known by email only. */
  public static Future<PhoneNumber> phoneOf(SqlConnection tx, long contactId) {
    return tx.preparedQuery("SELECT phone, phone_kind FROM contacts WHERE id = $1").execute(Tuple.of(contactId))
        .map(rows -> {
          var r = rows.iterator().next();
          return r.getString("phone") == null ? null : new PhoneNumber(r.getString("phone"),
              PhoneNumber.Kind.valueOf(r.getString("phone_kind") == null ? "OTHER" : r.getString("phone_kind")));
        });
  }

  /** Stores a qualification score and the priority it earns (or the one set by hand). */
  public Future<JsonObject> score(long dealId, Map<String, Integer> points, Optional<Priority> byHand, String actor,
                                  Consumer<LockedDeal> guard) {
    Instant now = clock.instant();
    Qualification.Score score = funnel.qualification().score(points);
    Priority priority = funnel.qualification().priority(Optional.of(score), byHand);
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      guard.accept(d);
      JsonObject details = new JsonObject().put("points", new JsonObject(new LinkedHashMap<>(score.points())))
          .put("total", score.total()).put("max", score.max()).put("priority", priority.name())
          .put("priorityByHand", byHand.isPresent());
      return tx.preparedQuery("UPDATE deals SET score = $2, priority = $3, updated_at = $4 WHERE id = $1")
          .execute(Tuple.of(dealId, score.total(), priority.name(), Sql.ts(now)))
          .compose(x -> PgDealStore.history(tx, dealId, now, "score", actor, details))
          .map(details);
    }));
  }
}
