package ru.dozvon.telephony;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Operators' phones and call recordings, from the {@code telephony} section.
 *
 * @param devices the dial template ({@code telephony.operator_dial}, {@code DOZVON_OPERATOR_DIAL}; default
 *     {@code PJSIP/{ext}}): which device is which manager's phone
 * @param recordingsDir the folder MixMonitor writes to ({@code telephony.recordings_dir},
 *     {@code DOZVON_RECORDINGS_DIR}); null: recordings are noted but not served
 */
public record PhoneSettings(OperatorDevices devices, Path recordingsDir) {

  /** The keys of the telephony section this record reads. */
  public static final List<String> KEYS = List.of("operator_dial", "recordings_dir");

  public static PhoneSettings defaults() {
    return new PhoneSettings(OperatorDevices.pjsip(), null);
  }

  /** @throws IllegalArgumentException naming the key, the value and the expected form */
  public static PhoneSettings fromMap(Map<String, Object> section) {
    if (section == null) {
      return defaults();
    }
    OperatorDevices devices = OperatorDevices.fromSection(section);
    Object dir = section.get("recordings_dir");
    Path recordings = null;
    if (dir != null && !dir.toString().isBlank()) {
      try {
        recordings = Path.of(dir.toString().strip()).toAbsolutePath().normalize();
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("telephony.recordings_dir: '" + dir + "' is not a folder path ("
            + e.getMessage() + ")");
      }
    }
    return new PhoneSettings(devices, recordings);
  }
}
