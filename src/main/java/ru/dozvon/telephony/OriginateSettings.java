package ru.dozvon.telephony;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How Dozvon places calls on the PBX (click-to-call and the dialer): keys of the {@code telephony} section
 * ({@code config/application.yaml}).
 *
 * @param operatorDial the dial template of operators' phones ({@code telephony.operator_dial},
 *     {@code DOZVON_OPERATOR_DIAL}): {@code PJSIP/{ext}} by default, {@code SIP/{ext}} or
 *     {@code Local/{ext}@from-internal} on other setups; the same template tells which channels are whose phone
 * @param companyCallerId the caller id the customer sees ({@code telephony.company_caller_id},
 *     {@code DOZVON_COMPANY_CALLER_ID}); empty: the dialplan sets it
 * @param perSecond Originates written to the PBX per second at most ({@code telephony.originate.per_second})
 * @param maxInFlight Originates whose OriginateResponse has not come yet, at most ({@code telephony.originate.max_in_flight})
 * @param ringTimeout how long the operator's phone rings before the Originate gives up
 *     ({@code telephony.originate.ring_timeout})
 */
public record OriginateSettings(OperatorDevices operatorDial, String companyCallerId, int perSecond, int maxInFlight,
                                Duration ringTimeout) {

  private static final Pattern CALLER_ID = Pattern.compile("[0-9+]{2,20}|\"[^\"\\r\\n]{0,40}\" <[0-9+]{2,20}>");

  public OriginateSettings {
    if (operatorDial == null) {
      throw new IllegalArgumentException("telephony.operator_dial: required (expected e.g. PJSIP/{ext})");
    }
    companyCallerId = companyCallerId == null ? "" : companyCallerId.strip();
    if (!companyCallerId.isEmpty() && !CALLER_ID.matcher(companyCallerId).matches()) {
      throw new IllegalArgumentException("telephony.company_caller_id: '" + companyCallerId
          + "' is not a caller id (expected a number such as 74951234567, or \"Name\" <74951234567>)");
    }
    if (perSecond < 1 || perSecond > 1000) {
      throw new IllegalArgumentException("telephony.originate.per_second: '" + perSecond
          + "' is out of range (expected 1 to 1000)");
    }
    if (maxInFlight < 1 || maxInFlight > 10_000) {
      throw new IllegalArgumentException("telephony.originate.max_in_flight: '" + maxInFlight
          + "' is out of range (expected 1 to 10000)");
    }
    if (ringTimeout == null || ringTimeout.toSeconds() < 5 || ringTimeout.toMinutes() > 5) {
      throw new IllegalArgumentException("telephony.originate.ring_timeout: '"
          + (ringTimeout == null ? null : ru.dozvon.time.Durations.describe(ringTimeout))
          + "' is out of range (expected 5s to 5m)");
    }
  }

  /** The defaults, matching {@code config/application.yaml}. */
  public static OriginateSettings defaults() {
    return new OriginateSettings(OperatorDevices.pjsip(), "", 5, 20, Duration.ofSeconds(30));
  }

  /**
   * Reads the keys of the {@code telephony} section that concern placing calls; the other keys are
   * {@link TrackerSettings}'. Absent keys keep their defaults.
   *
   * @throws IllegalArgumentException naming the key path, the bad value and the expected form
   */
  @SuppressWarnings("unchecked")
  public static OriginateSettings fromMap(Map<String, Object> section) {
    OriginateSettings d = defaults();
    if (section == null) {
      return d;
    }
    OperatorDevices dial = OperatorDevices.fromSection(section);
    String callerId = section.get("company_caller_id") == null ? d.companyCallerId()
        : String.valueOf(section.get("company_caller_id"));
    Object o = section.get("originate");
    Map<String, Object> originate = Map.of();
    if (o instanceof Map<?, ?> m) {
      originate = (Map<String, Object>) m;
    } else if (o != null) {
      throw new IllegalArgumentException("telephony.originate: '" + o
          + "' is not a section (expected per_second, max_in_flight, ring_timeout)");
    }
    for (String key : originate.keySet()) {
      if (!List.of("per_second", "max_in_flight", "ring_timeout").contains(key)) {
        throw new IllegalArgumentException("telephony.originate." + key
            + ": unknown key (expected one of per_second, max_in_flight, ring_timeout)");
      }
    }
    return new OriginateSettings(dial, callerId,
        whole(originate, "per_second", d.perSecond()),
        whole(originate, "max_in_flight", d.maxInFlight()),
        originate.containsKey("ring_timeout")
            ? TrackerSettings.duration(originate.get("ring_timeout"), "telephony.originate.ring_timeout")
            : d.ringTimeout());
  }

  /** How long we wait for the OriginateResponse: the ring time and some more (it comes once the phone answered). */
  public Duration responseTimeout() {
    return ringTimeout.plusSeconds(15);
  }

  private static int whole(Map<String, Object> section, String key, int dflt) {
    Object v = section.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return v instanceof Integer i ? i : Integer.parseInt(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("telephony.originate." + key + ": '" + v
          + "' is not a whole number (expected e.g. " + dflt + ")");
    }
  }
}
