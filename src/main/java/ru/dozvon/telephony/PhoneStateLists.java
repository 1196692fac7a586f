package ru.dozvon.telephony;

import java.util.List;
import org.asteriskjava.manager.action.AbstractManagerAction;
import org.asteriskjava.manager.action.ManagerAction;

/**
 * The actions that make the PBX list every phone's state again after a (re)connect: changes missed while the
 * link was down are then overwritten. ExtensionStateList answers with ExtensionStatus events, DeviceStateList
 * with DeviceStateChange events, PJSIPShowContacts with ContactList events: the same records as live changes,
 * folded the same way. Asterisk-Java 3.41 has no classes for the first two, hence this small one.
 */
final class PhoneStateLists {

  private PhoneStateLists() {
  }

  /** The three list actions, fresh (an action carries its ActionID once sent). */
  static List<ManagerAction> actions() {
    return List.of(new ListAction("ExtensionStateList"), new ListAction("DeviceStateList"),
        new ListAction("PJSIPShowContacts"));
  }

  /** An action with no parameters. */
  static final class ListAction extends AbstractManagerAction {
    private static final long serialVersionUID = 1L;
    private final String name;

    ListAction(String name) {
      this.name = name;
    }

    @Override
    public String getAction() {
      return name;
    }
  }
}
