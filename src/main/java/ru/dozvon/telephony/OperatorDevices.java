package ru.dozvon.telephony;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which PBX device and channels are an operator's phone, from the dial template
 * ({@code telephony.operator_dial}, e.g. {@code PJSIP/{ext}}, {@code SIP/{ext}}, {@code Local/{ext}@from-internal}):
 * the same template click-to-call dials tells whose phone a device or channel is. Pure and immutable.
 */
public final class OperatorDevices {

  /** The placeholder for the extension in a dial template. */
  public static final String EXT = "{ext}";

  /** Asterisk appends a hex sequence number to a channel name: {@code PJSIP/101-0000000b}. */
  private static final Pattern SEQUENCE = Pattern.compile("-[0-9a-fA-F]{6,}$");

  private final String template;
  private final String prefix;
  private final String suffix;

  /** @throws IllegalArgumentException naming {@code telephony.operator_dial} when {@code {ext}} is not in it once */
  public OperatorDevices(String template) {
    int at = template == null ? -1 : template.indexOf(EXT);
    if (at < 0 || template.indexOf(EXT, at + 1) >= 0 || !template.matches("[A-Za-z0-9_./@{}:+-]+")) {
      throw new IllegalArgumentException("telephony.operator_dial: '" + template
          + "' must contain {ext} once, e.g. PJSIP/{ext}, SIP/{ext} or Local/{ext}@from-internal");
    }
    this.template = template;
    this.prefix = template.substring(0, at).toLowerCase(Locale.ROOT);
    this.suffix = template.substring(at + EXT.length()).toLowerCase(Locale.ROOT);
  }

  /**
   * The template of the {@code telephony} section's {@code operator_dial} (absent: {@link #pjsip()}): the one
   * reading of that key, for placing calls and for telling whose phone a channel is alike.
   */
  public static OperatorDevices fromSection(java.util.Map<String, Object> section) {
    Object dial = section == null ? null : section.get("operator_dial");
    return dial == null ? pjsip() : new OperatorDevices(String.valueOf(dial).strip());
  }

  /** The default template, {@code PJSIP/{ext}}. */
  public static OperatorDevices pjsip() {
    return new OperatorDevices("PJSIP/" + EXT);
  }

  /** The device to dial for an extension ({@code 101} -> {@code PJSIP/101}). */
  public String device(String extension) {
    return template.replace(EXT, extension);
  }

  /**
   * The extension whose phone this device ({@code PJSIP/101}) or channel ({@code PJSIP/101-0000000b},
   * {@code Local/101@from-internal-00000001;1}) is, or null when it is no operator's (a trunk, a queue).
   */
  public String extensionOf(String deviceOrChannel) {
    if (deviceOrChannel == null) {
      return null;
    }
    String name = deviceOrChannel.strip();
    int semicolon = name.indexOf(';');
    if (semicolon >= 0) {
      name = name.substring(0, semicolon); // Local channel halves ;1 ;2
    }
    int slash = name.indexOf('/', name.indexOf('/') + 1);
    if (slash >= 0) {
      name = name.substring(0, slash); // Local/101@ctx/n
    }
    String lower = name.toLowerCase(Locale.ROOT);
    String ext = between(name, lower);
    if (ext == null) {
      String bare = SEQUENCE.matcher(name).replaceFirst("");
      ext = bare.length() == name.length() ? null : between(bare, bare.toLowerCase(Locale.ROOT));
    }
    return ext;
  }

  private String between(String name, String lower) {
    if (!lower.startsWith(prefix) || !lower.endsWith(suffix) || lower.length() <= prefix.length() + suffix.length()) {
      return null;
    }
    String ext = name.substring(prefix.length(), name.length() - suffix.length());
    return ext.matches("[0-9]{2,10}") ? ext : null; // managers' extensions are 2-10 digits (V1 schema)
  }

  /** The technology prefix ({@code PJSIP/}), to read registration events' endpoint names. */
  boolean isPjsip() {
    return prefix.startsWith("pjsip/");
  }

  @Override
  public String toString() {
    return template;
  }
}
