package ru.dozvon.simpbx;

import java.util.Locale;

/**
 * How the simulated PBX's channels look, after the two captured PBXes (/work/shared/ami README): PJSIP phones and a
 * PJSIP trunk ({@code PJSIP/pstn-trunk-0000000a}, {@code PJSIP/101-0000000b}), or Local channels standing in for
 * both ({@code Local/101@operator-phone-0000000b;1}, {@code ;1}/{@code ;2} pairs, LocalBridge). MIXED picks one per
 * call.
 */
public enum Shape {
  PJSIP, LOCAL, MIXED;

  /** {@code pjsip}, {@code local} or {@code mixed}, any case. */
  public static Shape parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "': expected pjsip, local or mixed");
    }
  }

  /** The operator's device on a PBX of this shape. */
  String device(String extension) {
    return this == LOCAL ? "Local/" + extension + "@operator-phone" : "PJSIP/" + extension;
  }
}
