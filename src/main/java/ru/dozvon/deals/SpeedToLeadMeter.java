package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import ru.dozvon.metrics.Meters;

/**
 * Records a deal's speed-to-lead (arrival to first contact) in {@code dozvon_speed_to_lead_seconds}
 * once per deal, whichever path made the contact (an answered call in either direction, a
 * manager's reply): it follows {@link DealEvent.ContactMade}, marks the deal metered in the same
 * transaction, and records only after the commit.
 */
public final class SpeedToLeadMeter implements DealTxListener {

  private final Meters meters;

  public SpeedToLeadMeter(Meters meters) {
    this.meters = meters;
  }

  @Override
  public Future<List<DealEvent>> on(SqlConnection tx, DealEvent event) {
    if (!(event instanceof DealEvent.ContactMade)) {
      return NOTHING;
    }
    return tx.preparedQuery("""
            UPDATE deals SET first_contact_metered = true
            WHERE id = $1 AND first_contact_at IS NOT NULL AND NOT first_contact_metered
            RETURNING arrived_at, first_contact_at""")
        .execute(Tuple.of(event.dealId()))
        .map(rows -> {
          if (rows.size() == 1) {
            var r = rows.iterator().next();
            Duration d = SpeedToLead.between(r.getOffsetDateTime("arrived_at").toInstant(),
                r.getOffsetDateTime("first_contact_at").toInstant());
            Transaction t = tx.transaction();
            if (t == null) {
              meters.speedToLead(d);
            } else {
              t.completion().onSuccess(x -> meters.speedToLead(d));
            }
          }
          return List.<DealEvent>of();
        });
  }
}
