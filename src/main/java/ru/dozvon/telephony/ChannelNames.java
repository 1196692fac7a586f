package ru.dozvon.telephony;

import java.util.regex.Pattern;

/** Reads an operator's extension out of Asterisk channel and queue-member interface names. */
final class ChannelNames {

  /** Asterisk appends a hex sequence number to a channel name: {@code PJSIP/101-0000000b}. */
  private static final Pattern SEQUENCE_SUFFIX = Pattern.compile("-[0-9a-fA-F]{6,}$");

  private ChannelNames() {
  }

  /**
   * The endpoint part of a channel or interface name: {@code PJSIP/101-00000003} and
   * {@code PJSIP/101} give {@code 101}; {@code Local/102@operator-phone-00000001;1} and
   * {@code Local/102@operator-phone/n} give {@code 102}. Null for null or unparseable input.
   */
  static String extensionOf(String name) {
    if (name == null) {
      return null;
    }
    int slash = name.indexOf('/');
    String rest = slash >= 0 ? name.substring(slash + 1) : name;
    int cut = indexOfAny(rest, '@', ';', '/');
    boolean local = cut >= 0 && rest.charAt(cut) == '@';
    if (cut >= 0) {
      rest = rest.substring(0, cut);
    }
    if (!local) {
      rest = SEQUENCE_SUFFIX.matcher(rest).replaceFirst("");
    }
    return rest.isBlank() ? null : rest;
  }

  private static int indexOfAny(String s, char a, char b, char c) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == a || ch == b || ch == c) {
        return i;
      }
    }
    return -1;
  }
}
