package ru.dozvon.deals;

import static ru.dozvon.store.Sql.instant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import ru.dozvon.errors.NotFound;

/**
 * A deal row locked for change inside a transaction, with the {@link DealView} the funnel rules
 * judge. Attempts are the callback attempts placed plus outbound calls on the deal, whichever is
 * more (a click-to-call outside the schedule is an attempt too, and a scheduled attempt is also a call).
 */
public record LockedDeal(long id, long contactId, Long managerId, String source, JsonObject fields, DealView view) {

  private static final String SELECT = """
      SELECT d.*,
             GREATEST((SELECT count(*) FROM attempts a WHERE a.deal_id = d.id AND a.placed_at IS NOT NULL),
                      (SELECT count(*) FROM calls c WHERE c.deal_id = d.id AND c.direction = 'OUTBOUND')) AS attempt_count
      FROM deals d WHERE d.id = $1 FOR UPDATE OF d""";

  /** Locks and reads the deal; fails with {@link NotFound} if there is none. */
  public static Future<LockedDeal> lock(SqlConnection tx, long dealId) {
    return tx.preparedQuery(SELECT).execute(Tuple.of(dealId)).map(rows -> {
      if (rows.size() == 0) {
        throw new NotFound("deal " + dealId);
      }
      return of(rows.iterator().next());
    });
  }

  static LockedDeal of(Row r) {
    JsonObject fields = r.getJsonObject("fields");
    DealView view = new DealView(DealStatus.valueOf(r.getString("status")), r.getString("stage"),
        DealFields.asText(fields), r.getLong("attempt_count").intValue(), instant(r, "last_contact_at"),
        instant(r, "arrived_at"), instant(r, "closed_at"), r.getString("loss_reason"));
    return new LockedDeal(r.getLong("id"), r.getLong("contact_id"), r.getLong("manager_id"), r.getString("source"),
        fields == null ? new JsonObject() : fields, view);
  }

}
