package ru.dozvon.telephony;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import ru.dozvon.call.PhoneState;

/**
 * The fold of what the PBX says about operators' phones into one {@link PhoneState} per extension: device state
 * ({@code DeviceStateChange}), the extension's hint ({@code ExtensionStatus}) and its registration
 * ({@code ContactStatus}, {@code ContactList}, {@code PeerStatus}). Pure: records in, changes out.
 *
 * <p>Rules: an unregistered phone is UNREGISTERED and an unreachable one UNAVAILABLE whatever its last device
 * state; otherwise the latest device or hint state wins (they say the same thing from two sides). A device
 * or hint saying the phone is idle, ringing or in use proves it registered again; a registration proves a
 * stale UNAVAILABLE wrong. A registered phone with no device state yet is AVAILABLE.
 *
 * <p>{@link #accept} runs on one thread (the telephony event loop); {@link #state} and {@link #idle} may be
 * called from any thread (the dialer, HTTP).
 */
public final class PhoneStates {

  /** The phone of {@code extension} is now {@code state}, as of {@code at} (the PBX's timestamp, or null). */
  public record Change(String extension, PhoneState state, Instant at) {
  }

  private enum Registration { REGISTERED, UNREACHABLE, UNREGISTERED }

  private record Entry(PhoneState device, Registration registration, PhoneState combined, Instant since) {
    static final Entry NONE = new Entry(null, null, PhoneState.UNKNOWN, null);

    Entry with(PhoneState device, Registration registration, Instant at) {
      PhoneState out;
      if (registration == Registration.UNREGISTERED) {
        out = PhoneState.UNREGISTERED;
      } else if (registration == Registration.UNREACHABLE) {
        out = PhoneState.UNAVAILABLE;
      } else if (device != null) {
        out = device;
      } else {
        out = registration == Registration.REGISTERED ? PhoneState.AVAILABLE : PhoneState.UNKNOWN;
      }
      return new Entry(device, registration, out, out == combined ? since : at);
    }
  }

  private final OperatorDevices devices;
  private final Map<String, Entry> phones = new ConcurrentHashMap<>();

  public PhoneStates(OperatorDevices devices) {
    this.devices = devices;
  }

  /** Folds one event; the extension's new state when it changed, else empty. */
  public Optional<Change> accept(TelephonyEvent.PhoneEvent e) {
    String extension;
    Entry before;
    Entry after;
    if (e instanceof TelephonyEvent.PhoneEvent.DeviceState d) {
      extension = devices.extensionOf(d.device());
      PhoneState s = fromDevice(d.state());
      if (extension == null || s == null) {
        return Optional.empty();
      }
      before = phones.getOrDefault(extension, Entry.NONE);
      after = before.with(s, proven(s, before.registration()), e.at());
    } else if (e instanceof TelephonyEvent.PhoneEvent.ExtensionState x) {
      extension = digits(x.exten());
      PhoneState s = fromHint(x.status(), x.statusText());
      if (extension == null || s == null) {
        return Optional.empty();
      }
      before = phones.getOrDefault(extension, Entry.NONE);
      after = before.with(s, proven(s, before.registration()), e.at());
    } else {
      TelephonyEvent.PhoneEvent.Registration r = (TelephonyEvent.PhoneEvent.Registration) e;
      extension = digits(r.endpoint()) != null ? digits(r.endpoint()) : devices.extensionOf(r.endpoint());
      Registration reg = fromRegistration(r.status());
      if (extension == null || reg == null) {
        return Optional.empty();
      }
      before = phones.getOrDefault(extension, Entry.NONE);
      PhoneState device = before.device();
      if (reg == Registration.REGISTERED && (device == PhoneState.UNAVAILABLE || device == PhoneState.UNKNOWN)) {
        device = null; // registered since: that old UNAVAILABLE no longer holds
      }
      after = before.with(device, reg, e.at());
    }
    phones.put(extension, after);
    return after.combined() == before.combined() ? Optional.empty()
        : Optional.of(new Change(extension, after.combined(), e.at()));
  }

  /**
   * Forgets every phone (at each (re)connect, before the resync lists them again): each state the lists then
   * report is a change, and stored, so that what was missed while the link was down, or never stored (a manager
   * given the extension later, a failed write), is put right.
   */
  public void forget() {
    phones.clear();
  }

  /** Every phone the PBX told a state of (UNKNOWN ones left out), each with when it took that state (may be null). */
  public java.util.List<Change> known() {
    java.util.List<Change> out = new java.util.ArrayList<>();
    phones.forEach((ext, e) -> {
      if (e.combined() != PhoneState.UNKNOWN) {
        out.add(new Change(ext, e.combined(), e.since()));
      }
    });
    return out;
  }

  /** The phone's state as last told; UNKNOWN when the PBX said nothing about it. Any thread. */
  public PhoneState state(String extension) {
    Entry e = extension == null ? null : phones.get(extension);
    return e == null ? PhoneState.UNKNOWN : e.combined();
  }

  /** Whether a call may be placed for this extension now: AVAILABLE, or UNKNOWN (nothing known against it). Any thread. */
  public boolean idle(String extension) {
    return state(extension).idle();
  }

  /** A device, hint that shows the phone working proves it registered (PJSIP derives device state from contacts). */
  private static Registration proven(PhoneState s, Registration was) {
    boolean working = s == PhoneState.AVAILABLE || s == PhoneState.RINGING || s == PhoneState.IN_USE;
    return working ? Registration.REGISTERED : was;
  }

  static PhoneState fromDevice(String state) {
    return switch (state.strip().toUpperCase(Locale.ROOT)) {
      case "NOT_INUSE" -> PhoneState.AVAILABLE;
      case "INUSE", "BUSY", "ONHOLD", "RINGINUSE" -> PhoneState.IN_USE;
      case "RINGING" -> PhoneState.RINGING;
      case "UNAVAILABLE", "INVALID" -> PhoneState.UNAVAILABLE;
      case "UNKNOWN" -> PhoneState.UNKNOWN;
      default -> null;
    };
  }

  /** The hint's number is a bit set (1 in use, 2 busy, 4 unavailable, 8 ringing, 16 on hold); the text a fallback. */
  static PhoneState fromHint(Integer status, String text) {
    if (status != null) {
      int s = status;
      if (s < 0) {
        return PhoneState.UNKNOWN; // -1 extension removed, -2 hint removed
      }
      if (s == 0) {
        return PhoneState.AVAILABLE;
      }
      if ((s & 4) != 0) {
        return PhoneState.UNAVAILABLE;
      }
      return (s & (1 | 2 | 16)) != 0 ? PhoneState.IN_USE : (s & 8) != 0 ? PhoneState.RINGING : null;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "idle" -> PhoneState.AVAILABLE;
      case "inuse", "busy", "onhold", "inuse&ringing" -> PhoneState.IN_USE;
      case "ringing" -> PhoneState.RINGING;
      case "unavailable" -> PhoneState.UNAVAILABLE;
      default -> null;
    };
  }

  private static Registration fromRegistration(String status) {
    return switch (status.strip().toLowerCase(Locale.ROOT)) {
      case "reachable", "created", "registered", "nonqualified", "updated" -> Registration.REGISTERED;
      case "unreachable" -> Registration.UNREACHABLE;
      case "removed", "unregistered", "rejected" -> Registration.UNREGISTERED;
      default -> null; // Unknown, Lagged...: says nothing certain
    };
  }

  private static String digits(String s) {
    return s != null && s.matches("[0-9]{2,10}") ? s : null;
  }
}
