package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.call.PhoneState;
import ru.dozvon.telephony.TelephonyEvent.PhoneEvent.DeviceState;
import ru.dozvon.telephony.TelephonyEvent.PhoneEvent.ExtensionState;
import ru.dozvon.telephony.TelephonyEvent.PhoneEvent.Registration;

/** The fold of device, hint and registration events into one phone state per extension, and the dial template. */
class PhoneStatesTest {

  static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"NOT_INUSE, AVAILABLE", "INUSE, IN_USE", "BUSY, IN_USE", "RINGING, RINGING", "RINGINUSE, IN_USE",
      "ONHOLD, IN_USE", "UNAVAILABLE, UNAVAILABLE", "INVALID, UNAVAILABLE", "UNKNOWN, UNKNOWN"})
  void deviceStates(String device, PhoneState expected) {
    PhoneStates s = new PhoneStates(OperatorDevices.pjsip());
    s.accept(new DeviceState(T, "PJSIP/101", device));
    assertThat(s.state("101")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}/{1} -> {2}")
  @CsvSource(nullValues = "-", value = {"0, Idle, AVAILABLE", "1, InUse, IN_USE", "2, Busy, IN_USE",
      "4, Unavailable, UNAVAILABLE", "8, Ringing, RINGING", "9, InUse&Ringing, IN_USE", "16, OnHold, IN_USE",
      "-1, Removed, UNKNOWN", "-, Ringing, RINGING", "-, Idle, AVAILABLE"})
  void hintStates(Integer status, String text, PhoneState expected) {
    PhoneStates s = new PhoneStates(OperatorDevices.pjsip());
    s.accept(new DeviceState(T, "PJSIP/101", "INVALID"));
    s.accept(new ExtensionState(T, "101", "operators", status, text));
    assertThat(s.state("101")).isEqualTo(expected);
  }

  @Test
  void anUnregisteredPhoneStaysUnregisteredWhateverItsLastDeviceStateUntilItWorksAgain() {
    PhoneStates s = new PhoneStates(OperatorDevices.pjsip());
    assertThat(s.state("101")).isEqualTo(PhoneState.UNKNOWN);
    assertThat(s.idle("101")).as("nothing known: not held against the operator").isTrue();
    assertThat(s.accept(new DeviceState(T, "PJSIP/101", "NOT_INUSE"))).get()
        .isEqualTo(new PhoneStates.Change("101", PhoneState.AVAILABLE, T));
    assertThat(s.accept(new Registration(T, "101", "Removed"))).get().extracting(PhoneStates.Change::state)
        .isEqualTo(PhoneState.UNREGISTERED);
    assertThat(s.idle("101")).isFalse();
    assertThat(s.accept(new ExtensionState(T, "101", "operators", 4, "Unavailable")))
        .as("still unregistered: no change").isEmpty();
    s.accept(new Registration(T, "101", "Created"));
    assertThat(s.state("101")).as("registered again; the stale UNAVAILABLE no longer holds").isEqualTo(PhoneState.AVAILABLE);
    s.accept(new Registration(T, "PJSIP/101", "Unreachable"));
    assertThat(s.state("101")).isEqualTo(PhoneState.UNAVAILABLE);
    s.accept(new DeviceState(T, "PJSIP/101", "RINGING"));
    assertThat(s.state("101")).as("a ringing phone is registered").isEqualTo(PhoneState.RINGING);
    assertThat(s.accept(new DeviceState(T, "PJSIP/101", "RINGING"))).as("same state: no change").isEmpty();
    s.accept(new Registration(T, "PJSIP/101", "Unregistered"));
    assertThat(s.state("101")).isEqualTo(PhoneState.UNREGISTERED);
    assertThat(s.accept(new Registration(T, "101", "Unknown"))).isEmpty();
  }

  @Test
  void devicesThatAreNoOperatorsPhoneAreIgnored() {
    PhoneStates s = new PhoneStates(OperatorDevices.pjsip());
    assertThat(s.accept(new DeviceState(T, "Queue:sales_avail", "INUSE"))).isEmpty();
    assertThat(s.accept(new DeviceState(T, "PJSIP/pstn-trunk", "INUSE"))).isEmpty();
    assertThat(s.accept(new DeviceState(T, "SIP/101", "INUSE"))).as("another technology").isEmpty();
    assertThat(s.accept(new DeviceState(T, "PJSIP/101", "SOMETHING_NEW"))).isEmpty();
    assertThat(s.state("101")).isEqualTo(PhoneState.UNKNOWN);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(nullValues = "-", value = {
      "PJSIP/{ext}, PJSIP/101, 101",
      "PJSIP/{ext}, pjsip/101, 101",
      "PJSIP/{ext}, PJSIP/101-0000000b, 101",
      "PJSIP/{ext}, PJSIP/pstn-trunk-0000000a, -",
      "PJSIP/{ext}, Local/101@operators-00000001;1, -",
      "SIP/{ext}, SIP/205-000001a3, 205",
      "SIP/{ext}, PJSIP/205, -",
      "Local/{ext}@from-internal, Local/101@from-internal-0000000b;1, 101",
      "Local/{ext}@from-internal, Local/101@from-internal, 101",
      "Local/{ext}@from-internal, Local/101@from-internal/n, 101",
      "Local/{ext}@from-internal, Local/101@other-00000001;2, -"})
  void theDialTemplateTellsWhosePhoneADeviceOrChannelIs(String template, String name, String extension) {
    OperatorDevices d = new OperatorDevices(template);
    assertThat(d.extensionOf(name)).isEqualTo(extension);
    assertThat(d.device("101")).isEqualTo(template.replace("{ext}", "101"));
  }

  @Test
  void aTemplateWithoutTheExtensionIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new OperatorDevices("PJSIP/101")).hasMessageStartingWith("telephony.operator_dial:");
    assertThatThrownBy(() -> new OperatorDevices("{ext}/{ext}")).hasMessageStartingWith("telephony.operator_dial:");
  }
}
