package ru.dozvon.phone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "8 916 123-45-67|+79161234567|MOBILE",
      "+7 (916) 123 45 67|+79161234567|MOBILE",
      "79161234567|+79161234567|MOBILE",
      "89161234567|+79161234567|MOBILE",
      "+79161234567|+79161234567|MOBILE",
      "9161234567|+79161234567|MOBILE",
      "8(916)123-45-67|+79161234567|MOBILE",
      "+7 916 123.45.67|+79161234567|MOBILE",
      "  +7-916-123-45-67  |+79161234567|MOBILE",
      "+79257654321|+79257654321|MOBILE",
      "8 495 123-45-67|+74951234567|FIXED_LINE",
      "74951234567|+74951234567|FIXED_LINE",
      "+7 (812) 315-00-00|+78123150000|FIXED_LINE",
      "8 800 555-35-35|+78005553535|OTHER",
      "+375 29 123-45-67|+375291234567|MOBILE",
      "+49 30 12345678|+493012345678|FIXED_LINE",
      "+1 650 253 0000|+16502530000|MOBILE",
      "+44 20 7946 0958|+442079460958|FIXED_LINE",
  })
  void normalisesCommonForms(String input, String e164, PhoneNumber.Kind kind) {
    PhoneNumber p = PhoneNumbers.parse(input);
    assertThat(p.e164()).isEqualTo(e164);
    assertThat(p.kind()).isEqualTo(kind);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "   ", "abc", "12", "8 916", "+7 916 123 45 67 89 00", "+0 123 456 789",
      "916-123-45-6x", "<unknown>", "anonymous", "+7 000 000-00-00", "1234567890123456789012",
      "'; DROP TABLE deals; --", "+7 (916) 123 45 67 ext 5", "８９１６１２３４５６７", "+7 999 999 99 99 99"})
  void refusesGarbageWithAReason(String input) {
    assertThatThrownBy(() -> PhoneNumbers.parse(input))
        .isInstanceOf(InvalidPhoneNumberException.class)
        .hasMessageStartingWith("'" + input + "' ");
    assertThat(PhoneNumbers.tryParse(input)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "<unknown>", "anonymous", "Anonymous", "unknown", " restricted ", "private"})
  void withheldCallerNumbersAreRecognised(String raw) {
    assertThat(PhoneNumbers.isWithheld(raw)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"+79161234567", "89161234567", "101"})
  void realNumbersAreNotWithheld(String raw) {
    assertThat(PhoneNumbers.isWithheld(raw)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"79161234567", "+7916", "+abc"})
  void phoneNumberRecordRefusesNonE164(String s) {
    assertThatThrownBy(() -> new PhoneNumber(s, PhoneNumber.Kind.MOBILE)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void phoneNumberRecordAcceptsExactlyWhatTheE164PatternDoes() {
    java.util.regex.Pattern e164 = java.util.regex.Pattern.compile("\\+[1-9][0-9]{6,14}");
    java.util.Random r = new java.util.Random(14);
    String alphabet = "+0123456789 a-٣";
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder(r.nextBoolean() ? "+" : "");
      int len = r.nextInt(18);
      for (int j = 0; j < len; j++) {
        b.append(r.nextInt(10) < 8 ? (char) ('0' + r.nextInt(10)) : alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String s = b.toString();
      boolean ok;
      try {
        new PhoneNumber(s, PhoneNumber.Kind.OTHER);
        ok = true;
      } catch (IllegalArgumentException e) {
        ok = false;
      }
      assertThat(ok).as("%s", s).isEqualTo(e164.matcher(s).matches());
      accepted += ok ? 1 : 0;
    }
    assertThat(accepted).as("the generator makes valid numbers too").isGreaterThan(10_000);
  }
}
