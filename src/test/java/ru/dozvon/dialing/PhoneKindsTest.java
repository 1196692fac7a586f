package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import ru.dozvon.phone.PhoneNumber;

/** Guards the fixtures: the limits tests mean nothing if these numbers are not of these kinds. */
class PhoneKindsTest {

  @Test
  void fixtureNumbersHaveTheKindsTheTestsAssume() {
    assertThat(Fixtures.MOBILE.kind()).isEqualTo(PhoneNumber.Kind.MOBILE);
    assertThat(Fixtures.LANDLINE.kind()).isEqualTo(PhoneNumber.Kind.FIXED_LINE);
  }
}
