package ru.dozvon.intake;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Optional;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.ContactChannel;
import ru.dozvon.deals.AfterContact;
import ru.dozvon.deals.DealEventChain;
import ru.dozvon.deals.PgDealWorkflow;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.errors.IdempotencyKeyReused;
import ru.dozvon.errors.RuleViolation;

/**
 * Stores a lead in one transaction: the same Idempotency-Key with the same lead ({@link Lead#fingerprint})
 * answers as before, with a different one is refused ({@link IdempotencyKeyReused}); the contact is found
 * by phone and by email and locked (so parallel identical requests queue and the later ones attach);
 * a lead for a contact with an open deal attaches to it, otherwise a new deal starts, and the
 * listeners (routing, dialing, notifications) run inside the same transaction.
 */
public final class PgLeadIntake {

  /** What storing a lead did. {@code created}: a new deal; {@code replayed}: an Idempotency-Key seen before. */
  public record Accepted(long dealId, Long managerId, int status, boolean created, boolean replayed) {
  }

  /** A signed webhook's signature, refused if seen before (stored with the lead, in its transaction). */
  public record Nonce(String source, String signature) {
  }

  private record Contact(long id, Long otherContactId) {
  }

  private final Pool pool;
  private final DealEventChain listeners;

  private final AfterContact after;

  public PgLeadIntake(Pool pool, DealEventChain listeners) {
    this(pool, listeners, null);
  }

  /** @param after the deals feature's after-contact steps: a lead's date fields make their tasks (null: none) */
  public PgLeadIntake(Pool pool, DealEventChain listeners, AfterContact after) {
    this.pool = pool;
    this.listeners = listeners;
    this.after = after;
  }

  private Future<Void> dateTasks(SqlConnection tx, long dealId, String actor, Instant now) {
    return after == null ? Future.succeededFuture() : after.leadDateTasks(tx, dealId, actor, now);
  }

  public Future<Accepted> accept(Lead lead, Optional<String> idempotencyKey, Optional<Nonce> nonce, String actor,
                                 Instant now) {
    return attempt(lead, idempotencyKey, nonce, actor, now, 3);
  }

  /** Two requests racing to give one email to different contacts: the loser retries and sees the winner's row. */
  private Future<Accepted> attempt(Lead lead, Optional<String> key, Optional<Nonce> nonce, String actor, Instant now,
                                   int triesLeft) {
    return pool.withTransaction(tx -> inTx(tx, lead, key, nonce, actor, now)).recover(err -> {
      if (triesLeft > 1 && err instanceof PgException pg && "23505".equals(pg.getSqlState())
          && !"webhook_nonces_pkey".equals(pg.getConstraint())) {
        return attempt(lead, key, nonce, actor, now, triesLeft - 1);
      }
      return Future.failedFuture(err);
    });
  }

  private Future<Accepted> inTx(SqlConnection tx, Lead lead, Optional<String> key, Optional<Nonce> nonce, String actor,
                                Instant now) {
    Future<Void> start = nonce.map(n -> refuseReplay(tx, n, now)).orElse(Future.succeededFuture());
    if (key.isEmpty()) {
      return start.compose(x -> store(tx, lead, actor, now));
    }
    String k = key.get();
    return start
        // The key's own lock: parallel posts with one key wait here and the later ones find the answer.
        .compose(x -> tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").execute(Tuple.of(k)))
        .compose(x -> tx.preparedQuery(
                "SELECT deal_id, status_code, request_hash FROM lead_requests WHERE idempotency_key = $1")
            .execute(Tuple.of(k)))
        .compose(rows -> {
          String hash = lead.fingerprint();
          if (rows.size() == 1) {
            var r = rows.iterator().next();
            String stored = r.getString("request_hash");
            // Rows stored before hashes were kept (NULL) cannot be compared: they replay, as they always did.
            if (stored != null && !stored.equals(hash)) {
              return Future.failedFuture(new IdempotencyKeyReused(k));
            }
            long dealId = r.getLong("deal_id");
            return managerOf(tx, dealId).map(m -> new Accepted(dealId, m, r.getInteger("status_code"), false, true));
          }
          return store(tx, lead, actor, now).compose(a -> tx.preparedQuery("""
                  INSERT INTO lead_requests (idempotency_key, deal_id, status_code, created_at, request_hash)
                  VALUES ($1, $2, $3, $4, $5)""")
              .execute(Tuple.of(k, a.dealId(), a.status(), Sql.ts(now), hash)).map(a));
        });
  }

  /**
   * Forgets the signatures of form webhooks received before {@code before}: a request that old is refused as
   * stale by its timestamp before its signature is looked up, so keeping them would only grow the table.
   *
   * @return how many were forgotten
   */
  public Future<Integer> forgetNoncesBefore(Instant before) {
    return pool.preparedQuery("DELETE FROM webhook_nonces WHERE received_at < $1")
        .execute(Tuple.of(Sql.ts(before))).map(rows -> rows.rowCount());
  }

  private static Future<Void> refuseReplay(SqlConnection tx, Nonce n, Instant now) {
    return tx.preparedQuery("""
            INSERT INTO webhook_nonces (source, signature, received_at) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING""")
        .execute(Tuple.of(n.source(), n.signature(), Sql.ts(now)))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            throw new RuleViolation("replay", "this signed request was already received");
          }
          return null;
        });
  }

  private Future<Accepted> store(SqlConnection tx, Lead lead, String actor, Instant now) {
    return contact(tx, lead).compose(c -> openDeal(tx, c).compose(existing -> {
      JsonObject details = lead.toJson();
      if (c.otherContactId() != null) {
        // The phone and the email belong to two different contacts: the phone wins, a person sorts it out.
        details.put("alsoMatchedContactId", c.otherContactId());
      }
      if (existing.isPresent()) {
        return attach(tx, existing.get(), lead, details, actor, now);
      }
      return PgDealStore.findOrCreateOpenDeal(tx, c.id(), lead.source(), lead.fields(), now).compose(d -> d.created()
          ? PgDealStore.history(tx, d.dealId(), now, "created", actor, details)
              // the contact's phone, which a lead by email alone may not carry: a known number is called back
              .compose(x -> lead.phone() != null ? Future.succeededFuture(lead.phone()) : PgDealWorkflow.phoneOf(tx, c.id()))
              .compose(phone -> listeners.publish(tx, new DealEvent.Created(d.dealId(), c.id(), lead.source(), phone, now)))
              .compose(x -> dateTasks(tx, d.dealId(), actor, now))
              .compose(x -> managerOf(tx, d.dealId()))
              .map(m -> new Accepted(d.dealId(), m, 201, true, false))
          : attach(tx, d.dealId(), lead, details, actor, now));
    }));
  }

  private Future<Accepted> attach(SqlConnection tx, long dealId, Lead lead, JsonObject details, String actor,
                                  Instant now) {
    // The lead's own message (a chat, a letter, another form) is not contact (DOMAIN 3): like a missed call, it
    // makes a callback due now. A lead typed in by a manager is only added to the deal.
    Optional<ContactChannel> message = ContactChannel.ofLeadSource(lead.source());
    // Fields already on the deal stay as they are; the history row keeps this request's originals.
    Future<Void> steps = PgDealStore.addFields(tx, dealId, lead.fields(), now);
    if (message.isPresent()) {
      steps = steps.compose(x -> PgDealStore.history(tx, dealId, now, "message", actor,
              details.put("channel", message.get().name())))
          .compose(x -> listeners.publish(tx, new DealEvent.CustomerMessage(dealId, message.get(), now)));
    } else {
      steps = steps.compose(x -> PgDealStore.history(tx, dealId, now, "lead", actor, details));
    }
    return steps.compose(x -> dateTasks(tx, dealId, actor, now))
        .compose(x -> managerOf(tx, dealId)).map(m -> new Accepted(dealId, m, 200, false, false));
  }

  /** The lead's contact, locked: by phone (email added if the contact had none), else by email. */
  private static Future<Contact> contact(SqlConnection tx, Lead lead) {
    Future<Contact> found;
    if (lead.phone() == null) {
      found = tx.preparedQuery("""
              INSERT INTO contacts (email) VALUES ($1)
              ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id""")
          .execute(Tuple.of(lead.email())).map(rows -> new Contact(rows.iterator().next().getLong(0), null));
    } else {
      found = PgDealStore.lockContactByPhone(tx, lead.phone()).compose(id -> lead.email() == null
          ? Future.succeededFuture(new Contact(id, null))
          : tx.preparedQuery("SELECT id FROM contacts WHERE email = $1 FOR UPDATE").execute(Tuple.of(lead.email()))
              .compose(rows -> {
                if (rows.size() == 1) {
                  long byEmail = rows.iterator().next().getLong(0);
                  return Future.succeededFuture(new Contact(id, byEmail == id ? null : byEmail));
                }
                return tx.preparedQuery("UPDATE contacts SET email = $2 WHERE id = $1 AND email IS NULL")
                    .execute(Tuple.of(id, lead.email())).map(x -> new Contact(id, null));
              }));
    }
    return found.compose(c -> lead.name() == null ? Future.succeededFuture(c)
        : tx.preparedQuery("UPDATE contacts SET name = COALESCE(name, $2) WHERE id = $1")
            .execute(Tuple.of(c.id(), lead.name())).map(c));
  }

  /** The open deal of the contact, or else of the other contact the email matched. */
  private static Future<Optional<Long>> openDeal(SqlConnection tx, Contact c) {
    return openDealOf(tx, c.id()).compose(d -> d.isPresent() || c.otherContactId() == null
        ? Future.succeededFuture(d) : openDealOf(tx, c.otherContactId()));
  }

  private static Future<Optional<Long>> openDealOf(SqlConnection tx, long contactId) {
    return tx.preparedQuery("SELECT id FROM deals WHERE contact_id = $1 AND status = 'OPEN' FOR UPDATE")
        .execute(Tuple.of(contactId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  private static Future<Long> managerOf(SqlConnection tx, long dealId) {
    return tx.preparedQuery("SELECT manager_id FROM deals WHERE id = $1").execute(Tuple.of(dealId))
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
