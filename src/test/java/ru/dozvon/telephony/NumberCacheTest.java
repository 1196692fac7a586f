package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.phone.PhoneNumbers;

class NumberCacheTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(nullValues = "-", textBlock = """
      +79161234567
      89161234567
      79161234567
      74951234567
      9161234567
      <unknown>
      anonymous
      ''
      101
      s
      +442079460000
      -
      12345678901234567890
      """)
  void answersLikeTryParseFirstFromCacheAndAfterEviction(String raw) {
    var expected = PhoneNumbers.tryParse(raw).orElse(null);
    NumberCache cache = new NumberCache(2);
    assertThat(cache.parse(raw)).isEqualTo(expected);
    assertThat(cache.parse(raw)).isEqualTo(expected); // cached
    assertThat(cache.isValid(raw)).isEqualTo(expected != null);
    cache.parse("+79160000001");
    cache.parse("+79160000002");
    cache.parse("+79160000003"); // raw evicted by now
    assertThat(cache.parse(raw)).isEqualTo(expected);
  }
}
