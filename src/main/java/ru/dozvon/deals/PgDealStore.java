package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import ru.dozvon.phone.PhoneNumber;

/**
 * The deal-writing steps every intake path shares, each run inside the caller's transaction.
 *
 * <p>"One open deal per contact" holds under concurrency: the contact row is upserted with
 * {@code DO UPDATE}, which locks it until commit, so two requests for one number queue on that
 * lock and the second sees the first one's deal; the partial unique index on open deals is the
 * last line of defence.
 */
public final class PgDealStore {

  /** The open deal of a contact, and whether this transaction created it. */
  public record OpenDeal(long dealId, long contactId, boolean created) {
  }

  private PgDealStore() {
  }

  public static OffsetDateTime ts(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  /** The contact with this phone, created if new; its row stays locked until commit. */
  public static Future<Long> lockContactByPhone(SqlConnection tx, PhoneNumber phone) {
    return tx.preparedQuery("""
            INSERT INTO contacts (phone, phone_kind) VALUES ($1, $2)
            ON CONFLICT (phone) DO UPDATE SET phone_kind = EXCLUDED.phone_kind
            RETURNING id""")
        .execute(Tuple.of(phone.e164(), phone.kind().name()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The contact's open deal, or a new one from {@code source}. The contact must be locked. */
  public static Future<OpenDeal> findOrCreateOpenDeal(SqlConnection tx, long contactId, String source,
                                                      JsonObject fields, Instant arrivedAt) {
    return tx.preparedQuery("""
            INSERT INTO deals (contact_id, source, fields, arrived_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (contact_id) WHERE status = 'OPEN' DO NOTHING
            RETURNING id""")
        .execute(Tuple.of(contactId, source, fields, ts(arrivedAt)))
        .compose(rows -> {
          if (rows.rowCount() == 1) {
            return Future.succeededFuture(new OpenDeal(rows.iterator().next().getLong(0), contactId, true));
          }
          return tx.preparedQuery("SELECT id FROM deals WHERE contact_id = $1 AND status = 'OPEN'")
              .execute(Tuple.of(contactId))
              .map(found -> new OpenDeal(found.iterator().next().getLong(0), contactId, false));
        });
  }

  /** Appends one row to the deal's history. */
  public static Future<Void> history(SqlConnection tx, long dealId, Instant at, String kind, String actor,
                                     JsonObject details) {
    return tx.preparedQuery("INSERT INTO deal_history (deal_id, at, kind, actor, details) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(dealId, ts(at), kind, actor, details))
        .mapEmpty();
  }

  /** Records that the lead was reached (first contact is kept; speed-to-lead ends there). */
  public static Future<Void> contactMade(SqlConnection tx, long dealId, Instant at) {
    return tx.preparedQuery("""
            UPDATE deals SET first_contact_at = COALESCE(first_contact_at, $2),
                             last_contact_at = GREATEST(COALESCE(last_contact_at, $2), $2),
                             updated_at = now()
            WHERE id = $1""")
        .execute(Tuple.of(dealId, ts(at)))
        .mapEmpty();
  }
}
