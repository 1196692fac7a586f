package ru.dozvon;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.live.PgScreenPop;
import ru.dozvon.managers.PgManagerRepository;
import ru.dozvon.routing.RoutingVerticle;
import ru.dozvon.telephony.OperatorDevices;
import ru.dozvon.telephony.PhoneStates;
import ru.dozvon.telephony.PhoneWatch;

/**
 * Wires operators' phones (issue 11) between telephony, managers, routing and the live feed: a changed phone
 * state is stored on the manager, told on the feed ({@code manager.phone}) and, when the phone can take calls
 * again, waiting leads are handed out (as the PBX unpause does); an inbound call ringing a phone pops the
 * caller's card on that operator's stream ({@code call.ringing}).
 */
final class PhoneWiring {

  /** The feed event of a manager's phone state change. */
  static final String MANAGER_PHONE = "manager.phone";

  private static final Logger LOG = LoggerFactory.getLogger(PhoneWiring.class);

  private PhoneWiring() {
  }

  static PhoneWatch watch(OperatorDevices devices, PgManagerRepository managers, RoutingVerticle routing,
                          LiveFeed feed, PgScreenPop screenPop, Clock clock) {
    return new PhoneWatch(devices,
        batch -> managers.setPhoneStates(batch.stream().map(PhoneStates.Change::extension).toList(),
                batch.stream().map(PhoneStates.Change::state).toList(),
                batch.stream().map(PhoneStates.Change::at).toList())
            .compose(changed -> {
              java.util.Map<String, Instant> at = new java.util.HashMap<>();
              batch.forEach(c -> at.put(c.extension(), c.at()));
              return Future.all(changed.stream().map(c -> told(c, at.get(c.extension()), feed, routing)).toList());
            }),
        known -> managers.syncPhoneStates(known.stream().map(PhoneStates.Change::extension).toList(),
                known.stream().map(PhoneStates.Change::state).toList(),
                known.stream().map(PhoneStates.Change::at).toList())
            .compose(changed -> Future.all(changed.stream().map(c -> told(c, clock.instant(), feed, routing)).toList())),
        ring -> screenPop.ringing(ring.extension(), ring.caller() == null ? null : ring.caller().e164(),
                ring.callerRaw(), ring.linkedid(), ring.at() != null ? ring.at() : clock.instant())
            .onSuccess(pop -> pop.ifPresent(feed::publish))
            .onFailure(e -> LOG.warn("Screen pop of call {} for extension {} failed: {}", ring.linkedid(),
                ring.extension(), e.getMessage())));
  }

  /** A stored change: on the feed, and waiting leads handed out when the phone can take calls again. */
  private static Future<?> told(PgManagerRepository.PhoneChange c, Instant at, LiveFeed feed, RoutingVerticle routing) {
    feed.publish(new FeedEvent(MANAGER_PHONE, null, c.managerId(), at, new JsonObject()
        .put("managerId", c.managerId()).put("name", c.name()).put("extension", c.extension())
        .put("phoneState", c.state().name()).put("previous", c.previous().name())));
    // a phone coming free wakes routing only for someone who could take a lead now (on shift, under the cap): an
    // off-shift operator's phone hanging up, a call a second, must not sweep the waiting deals a call a second
    return c.canTakeLeads() && c.previous().blocksLeads() && !c.state().blocksLeads()
        ? routing.assignWaiting().mapEmpty() : Future.succeededFuture();
  }
}
