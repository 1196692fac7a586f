package ru.dozvon.telephony;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import ru.dozvon.call.CallDirection;

/**
 * The calls Dozvon placed and whose end is not known yet, from the moment a call is asked for until its record comes
 * back from the PBX (or its Originate failed). It says which phones are on a call we placed (an operator is busy; the
 * dialer's default "phone idle"), and which attempt an ended call belongs to, whatever order the PBX's events came
 * in: the call's {@code DOZVON_ATTEMPT} channel variable, else the Linkedid that the OriginateResponse carrying the
 * Originate's ActionID ({@code dozvon-attempt-<id>-<n>}) named, else the call placed to that operator and number.
 *
 * <p>Thread-safe: the HTTP loops ask and register, the telephony loop resolves and releases.
 */
public final class PlacedCalls {

  /**
   * One call in flight.
   *
   * @param customer the number dialled, E.164
   */
  public record Placed(long dealId, long attemptId, String extension, String customer, Instant placedAt) {
  }

  private final ConcurrentMap<Long, Placed> byAttempt = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> byExtension = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> byLinkedid = new ConcurrentHashMap<>();

  /** The tag an Originate for this attempt carries in its ActionID. */
  public static String tag(long attemptId) {
    return "attempt-" + attemptId;
  }

  /** Registers a call being placed. */
  public void register(Placed p) {
    byAttempt.put(p.attemptId(), p);
    byExtension.put(p.extension(), p.attemptId());
  }

  /** The PBX named the call's Linkedid (the originated channel's Uniqueid, in a successful OriginateResponse). */
  public void linked(long attemptId, String linkedid) {
    if (linkedid != null && !linkedid.isBlank() && !"<unknown>".equals(linkedid) && byAttempt.containsKey(attemptId)) {
      byLinkedid.put(linkedid, attemptId);
    }
  }

  /** True when a call we placed is in flight on this phone. */
  public boolean busy(String extension) {
    return extension != null && byExtension.containsKey(extension);
  }

  /** True unless a call we placed is in flight on this phone: the dialer's default "phone idle". */
  public boolean idle(String extension) {
    return !busy(extension);
  }

  /** The call in flight for this attempt, if any. */
  public Optional<Placed> get(long attemptId) {
    return Optional.ofNullable(byAttempt.get(attemptId));
  }

  /** The call in flight for this deal, if any. */
  public Optional<Placed> forDeal(long dealId) {
    return byAttempt.values().stream().filter(p -> p.dealId() == dealId).findFirst();
  }

  /** Every call in flight. */
  public List<Placed> all() {
    return List.copyOf(byAttempt.values());
  }

  /** Forgets a call (it ended, or its Originate failed); empty when it was forgotten already. */
  public Optional<Placed> release(long attemptId) {
    Placed p = byAttempt.remove(attemptId);
    if (p == null) {
      return Optional.empty();
    }
    byExtension.remove(p.extension(), attemptId);
    byLinkedid.values().removeIf(id -> id == attemptId);
    return Optional.of(p);
  }

  /** Forgets calls placed before {@code cutoff} whose end never came (a record lost); returns them. */
  public List<Placed> releaseOlderThan(Instant cutoff) {
    List<Placed> old = byAttempt.values().stream().filter(p -> p.placedAt().isBefore(cutoff)).toList();
    old.forEach(p -> release(p.attemptId()));
    return old;
  }

  /**
   * The attempt an ended call belongs to, or null when it is not a call Dozvon placed. Only an outbound call can be.
   * A tag that names an attempt we do not follow (after a restart) is still the answer.
   */
  public Long attemptOf(CallRecord r) {
    if (r.direction() != CallDirection.OUTBOUND) {
      return null;
    }
    Long tagged = number(r.attemptTag());
    if (tagged != null) {
      return tagged;
    }
    Long linked = byLinkedid.get(r.linkedid());
    if (linked != null) {
      return linked;
    }
    if (r.operatorExtension() != null && r.customerNumber() != null) {
      Long onPhone = byExtension.get(r.operatorExtension());
      Placed p = onPhone == null ? null : byAttempt.get(onPhone);
      if (p != null && r.customerNumber().e164().equals(p.customer())) {
        return p.attemptId();
      }
    }
    return null;
  }

  private static Long number(String s) {
    if (s == null) {
      return null;
    }
    try {
      long v = Long.parseLong(s.strip());
      return v > 0 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
