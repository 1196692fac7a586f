package ru.dozvon.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import ru.dozvon.call.PhoneState;
import ru.dozvon.managers.ManagerState;

/** Routing never hands a lead to an operator whose phone is unregistered, unavailable or in a call. */
class PhoneEligibilityTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "-", value = {"AVAILABLE, -", "RINGING, -", "UNKNOWN, -",
      "IN_USE, телефон занят", "UNAVAILABLE, телефон не зарегистрирован", "UNREGISTERED, телефон не зарегистрирован"})
  void whyAPhoneStateKeepsALeadAway(PhoneState phone, String why) {
    var m = new ManagerSnapshot(1, "a", ManagerState.ON_SHIFT, false, 0, 10, phone);
    assertThat(m.whyNotEligible()).isEqualTo(why);
    assertThat(m.eligible()).isEqualTo(why == null);
    assertThat(m.withActiveDeals(3).phone()).isEqualTo(phone);
    assertThat(m.withState(ManagerState.PAUSED).phone()).isEqualTo(phone);
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void everyStrategyPassesOverUnusablePhonesAndSaysWhyWhenNobodyIsLeft(Strategy strategy) {
    Team team = new Team(50)
        .add(new ManagerSnapshot(1, "a", ManagerState.ON_SHIFT, false, 0, 10, PhoneState.UNREGISTERED))
        .add(new ManagerSnapshot(2, "b", ManagerState.ON_SHIFT, false, 0, 10, PhoneState.IN_USE))
        .add(new ManagerSnapshot(3, "c", ManagerState.ON_SHIFT, false, 0, 10, PhoneState.AVAILABLE));
    for (int i = 1; i <= 5; i++) {
      RoutingResult r = team.router(Team.config(strategy), i).route(LeadToRoute.fresh(i, "web_form", 10), team.managers);
      assertThat(r).isInstanceOf(Assignment.class);
      assertThat(((Assignment) r).managerId()).isEqualTo(3);
    }

    Team down = new Team(50)
        .add(new ManagerSnapshot(1, "a", ManagerState.ON_SHIFT, false, 0, 10, PhoneState.UNREGISTERED))
        .add(new ManagerSnapshot(2, "b", ManagerState.ON_SHIFT, false, 0, 10, PhoneState.IN_USE))
        .add(new ManagerSnapshot(3, "c", ManagerState.OFF, false, 0, 10, PhoneState.AVAILABLE));
    RoutingResult none = down.router(Team.config(strategy), 1).route(LeadToRoute.fresh(1, "web_form", 10), down.managers);
    assertThat(none).isEqualTo(new Unassigned(strategy, "nobody eligible among 3 managers: 1 off shift, 0 paused, "
        + "0 paused on PBX, 0 at load cap, 2 phone unusable (телефон не зарегистрирован or телефон занят)"));
  }
}
