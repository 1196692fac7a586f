package ru.dozvon.telephony;

import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.event.OriginateResponseEvent;

/** Translation between our originate records and Asterisk-Java's action and event. */
final class Originates {

  private Originates() {
  }

  /** An async Originate carrying our ActionID, so its OriginateResponse can be matched. */
  static OriginateAction action(OriginateRequest r, String actionId) {
    OriginateAction a = new OriginateAction();
    a.setActionId(actionId);
    a.setChannel(r.channel());
    a.setContext(r.context());
    a.setExten(r.exten());
    a.setPriority(r.priority());
    if (r.callerId() != null) {
      a.setCallerId(r.callerId());
    }
    if (!r.variables().isEmpty()) {
      a.setVariables(r.variables());
    }
    a.setTimeout(r.ringTimeout().toMillis());
    a.setAsync(true);
    return a;
  }

  static OriginateResult result(String actionId, OriginateResponseEvent e) {
    return new OriginateResult(actionId, "Success".equalsIgnoreCase(e.getResponse()),
        e.getReason() == null ? 0 : e.getReason(), e.getChannel(), e.getUniqueId());
  }
}
