package ru.dozvon.telephony;

import java.time.Instant;
import org.asteriskjava.manager.event.AgentCalledEvent;
import org.asteriskjava.manager.event.ContactList;
import org.asteriskjava.manager.event.ContactStatusEvent;
import org.asteriskjava.manager.event.DeviceStateChangeEvent;
import org.asteriskjava.manager.event.ExtensionStatusEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.PeerStatusEvent;

/**
 * The part of {@link AmiEventMapper} for phones rather than calls: device, hint and registration state, and a
 * queue ringing a member. Same contract: Asterisk-Java's reader thread, one small record, null when the event
 * says nothing usable.
 */
final class PhoneMapping {

  private PhoneMapping() {
  }

  /** @param kind the index after the mapper's call events: DeviceStateChange, ExtensionStatus, ContactStatus, PeerStatus, ContactList, AgentCalled */
  static TelephonyEvent map(int kind, Instant at, ManagerEvent e) {
    return switch (kind) {
      case 0 -> {
        DeviceStateChangeEvent d = (DeviceStateChangeEvent) e;
        yield d.getDevice() == null || d.getState() == null ? null
            : new TelephonyEvent.PhoneEvent.DeviceState(at, d.getDevice(), d.getState());
      }
      case 1 -> {
        ExtensionStatusEvent x = (ExtensionStatusEvent) e;
        yield x.getExten() == null || x.getStatus() == null && x.getStatustext() == null ? null
            : new TelephonyEvent.PhoneEvent.ExtensionState(at, x.getExten(), x.getContext(), x.getStatus(),
                x.getStatustext());
      }
      case 2 -> {
        ContactStatusEvent c = (ContactStatusEvent) e;
        String aor = c.getAor() != null ? c.getAor() : c.getEndpointName();
        yield aor == null || c.getContactStatus() == null ? null
            : new TelephonyEvent.PhoneEvent.Registration(at, aor, c.getContactStatus());
      }
      case 3 -> {
        PeerStatusEvent p = (PeerStatusEvent) e;
        yield p.getPeer() == null || p.getPeerStatus() == null ? null
            : new TelephonyEvent.PhoneEvent.Registration(at, p.getPeer(), p.getPeerStatus());
      }
      case 4 -> {
        ContactList c = (ContactList) e;
        String endpoint = c.getEndpoint();
        if (endpoint == null && c.getObjectname() != null) {
          endpoint = c.getObjectname().split("[/;@]", 2)[0]; // "101/sip:101@10.0.0.5:5060"
        }
        yield endpoint == null || c.getStatus() == null ? null
            : new TelephonyEvent.PhoneEvent.Registration(at, endpoint, c.getStatus().name());
      }
      default -> {
        AgentCalledEvent a = (AgentCalledEvent) e;
        yield new TelephonyEvent.AgentCalled(at, a.getLinkedId(), a.getUniqueId(), a.getQueue(),
            a.getInterface(), a.getDestChannel(), a.getCallerIdNum());
      }
    };
  }
}
