package ru.dozvon.telephony;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.phone.PhoneNumbers;

/**
 * Operators' phones on the telephony event loop: folds phone events into {@link PhoneStates} and hands each
 * change to {@link PhoneChanges} (stored, shown, routing woken), one at a time per extension so that a quick
 * RINGING then IN_USE is never stored the other way round; and sees an inbound call start ringing an
 * operator's phone (DialBegin to their device, or AgentCalled), told once per call and phone to {@link Rings}
 * for the screen pop. All its methods run on that one event loop, except {@link #states()}'s reads.
 */
public final class PhoneWatch {

  /** Where phones' changed states go, one change per extension at most; completes once stored. */
  @FunctionalInterface
  public interface PhoneChanges {
    Future<?> changed(java.util.List<PhoneStates.Change> changes);
  }

  /**
   * Where every known phone state goes now and then, to put right what a single change could not reach: a
   * manager given the extension after the PBX last spoke of it, a failed write. Must never overwrite a newer
   * state (the store compares {@code at}).
   */
  @FunctionalInterface
  public interface PhoneSync {
    Future<?> sync(java.util.List<PhoneStates.Change> known);
  }

  /** Where "an inbound call rings this operator's phone" goes (the screen pop). Must not block. */
  @FunctionalInterface
  public interface Rings {
    void ringing(Ring ring);
  }

  /**
   * An inbound call ringing the phone of {@code extension}.
   *
   * @param caller the caller's number in E.164, or null when withheld or not a number
   * @param callerRaw the number as the PBX gave it
   */
  public record Ring(String extension, PhoneNumber caller, String callerRaw, String linkedid, Instant at) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(PhoneWatch.class);
  private static final int RINGS_REMEMBERED = 2_000;

  private final OperatorDevices devices;
  private final PhoneStates states;
  private final PhoneChanges changes;
  private final PhoneSync sync;
  private final Rings rings;
  /** Whether a write of changes is under way, and the latest change of each phone waiting for it to end. */
  private boolean writing;
  private final Map<String, PhoneStates.Change> waiting = new LinkedHashMap<>();
  /** Callers' numbers parsed: a ring-all queue pops one call on every phone, and customers call again. */
  private final NumberCache numbers = new NumberCache(1024);
  /** Calls and phones already popped: a queue rings with AgentCalled and DialBegin both. */
  private final Map<String, Boolean> popped = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > RINGS_REMEMBERED;
    }
  };

  public PhoneWatch(OperatorDevices devices, PhoneChanges changes, PhoneSync sync, Rings rings) {
    this.devices = devices;
    this.states = new PhoneStates(devices);
    this.changes = changes;
    this.sync = sync;
    this.rings = rings;
  }

  /** Watches nothing anybody hears of (tests of the call path alone). */
  public static PhoneWatch none() {
    return new PhoneWatch(OperatorDevices.pjsip(), c -> Future.succeededFuture(), k -> Future.succeededFuture(), r -> { });
  }

  /** The phones' states as last told; readable from any thread (the dialer's {@code idle(extension)}). */
  public PhoneStates states() {
    return states;
  }

  /** Stores every known state where the store has an older one or none (periodically, on the telephony loop). */
  void reconcile(Instant now) {
    var known = states.known().stream()
        .map(c -> c.at() == null ? new PhoneStates.Change(c.extension(), c.state(), now) : c).toList();
    if (!known.isEmpty()) {
      sync.sync(known).onFailure(err -> LOG.warn("Phone states not reconciled: {}", err.getMessage()));
    }
  }

  /** A (re)connect: the resync's lists will tell every phone again. */
  void connected() {
    states.forget();
  }

  /**
   * A phone event: folded, and a change stored. One write at a time for all phones: changes that come while one is
   * under way wait, only the latest of each phone (a busy PBX reports a phone several times a call; what routing
   * needs is its state now), and are stored together, in one statement, when it ends. So a phone's changes are
   * stored in the order they happened, and a floor of busy phones costs one commit a round trip, not one a change.
   */
  void phone(TelephonyEvent.PhoneEvent e, Instant now) {
    states.accept(e).ifPresent(c -> {
      PhoneStates.Change change = c.at() == null ? new PhoneStates.Change(c.extension(), c.state(), now) : c;
      waiting.remove(change.extension()); // re-inserted last: the batch keeps the order the phones last changed in
      waiting.put(change.extension(), change);
      if (!writing) {
        store();
      }
    });
  }

  private void store() {
    if (waiting.isEmpty()) {
      return;
    }
    java.util.List<PhoneStates.Change> batch = java.util.List.copyOf(waiting.values());
    waiting.clear();
    writing = true;
    Future<?> mine;
    try {
      mine = changes.changed(batch);
    } catch (RuntimeException ex) {
      mine = Future.failedFuture(ex);
    }
    mine.onFailure(err -> LOG.warn("Phone states of {} extension(s) not stored ({}): {}", batch.size(),
            batch.size() == 1 ? batch.get(0).extension() + " " + batch.get(0).state() : "e.g. "
                + batch.get(0).extension() + " " + batch.get(0).state(), err.getMessage()))
        .onComplete(x -> {
          writing = false;
          store();
        });
  }

  /** A call event: a screen pop when it is an inbound call starting to ring an operator's phone. */
  void call(TelephonyEvent e) {
    String extension;
    String callerRaw;
    if (e instanceof TelephonyEvent.DialBegin d) {
      // An Originate (no source channel) rings the operator for click-to-call, and an operator's own
      // channel dialling out or to a colleague is not a customer calling in.
      if (d.channel() == null || d.channel().isBlank() || devices.extensionOf(d.channel()) != null) {
        return;
      }
      extension = devices.extensionOf(d.destChannel());
      callerRaw = d.callerIdNum();
    } else if (e instanceof TelephonyEvent.AgentCalled a) {
      extension = devices.extensionOf(a.memberInterface());
      if (extension == null) {
        extension = devices.extensionOf(a.destChannel());
      }
      callerRaw = a.callerIdNum();
    } else {
      return;
    }
    if (extension == null || e.linkedid() == null || popped.put(e.linkedid() + "/" + extension, Boolean.TRUE) != null) {
      return;
    }
    PhoneNumber caller = PhoneNumbers.isWithheld(callerRaw) ? null : numbers.parse(callerRaw);
    try {
      rings.ringing(new Ring(extension, caller, callerRaw, e.linkedid(), e.at()));
    } catch (RuntimeException ex) {
      LOG.warn("Screen pop of call {} for extension {} failed: {}", e.linkedid(), extension, ex.toString());
    }
  }
}
