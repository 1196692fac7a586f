package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelNamesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      PJSIP/101-00000003                  | 101
      PJSIP/101                           | 101
      SIP/102-0000abcd                    | 102
      PJSIP/pstn-trunk-00000000           | pstn-trunk
      Local/102@operator-phone-00000001;1 | 102
      Local/101@operator-phone/n          | 101
      Local/+79161234560@pstn-0000000f;2  | +79161234560
      IAX2/201-1234567                    | 201
      101                                 | 101
      PJSIP/                              | -
      -                                   | -
      """)
  void extensionOfAChannelOrInterface(String name, String extension) {
    assertThat(ChannelNames.extensionOf(name)).isEqualTo(extension);
  }
}
