package ru.dozvon.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lead's own time zone, told by the number (DOMAIN 3: Russia spans 11 zones; a Vladivostok lead must not be
 * called at 02:00 its time). libphonenumber's geocoder knows the zone of a landline by its area code
 * ({@code +7 423} Vladivostok, {@code +7 4012} Kaliningrad); a Russian mobile number maps to every Russian zone,
 * since operators give them out anywhere, and then nothing is known: empty, and the caller uses the company zone.
 */
public final class NumberZones {

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  /**
   * libphonenumber names a zone with the right offset, not always the region's own: Kaliningrad is given
   * {@code Europe/Bucharest}, which keeps summer time (Kaliningrad does not: an hour off half the year), Belarus
   * {@code Europe/Moscow}. Region and library zone to the region's own zone.
   */
  private static final Map<String, String> OWN_ZONE = Map.of(
      "RU/Europe/Bucharest", "Europe/Kaliningrad",
      "BY/Europe/Moscow", "Europe/Minsk");

  private NumberZones() {
  }

  /** Zones already told, by number: a deal's every attempt and every view asks again (least recently used out). */
  private static final int REMEMBERED = 4096;
  private static final Map<String, Optional<ZoneId>> TOLD = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<ZoneId>> eldest) {
          return size() > REMEMBERED;
        }
      });

  /** The one zone the number belongs to, or empty when it maps to several or none. */
  public static Optional<ZoneId> zoneOf(PhoneNumber number) {
    Optional<ZoneId> told = TOLD.get(number.e164());
    if (told == null) {
      told = lookUp(number);
      TOLD.put(number.e164(), told);
    }
    return told;
  }

  /** libphonenumber's answer: a parse, the number's type and a prefix lookup (tens of microseconds). */
  private static Optional<ZoneId> lookUp(PhoneNumber number) {
    List<String> zones;
    String region;
    try {
      var parsed = UTIL.parse(number.e164(), "ZZ");
      zones = PhoneNumberToTimeZonesMapper.getInstance().getTimeZonesForNumber(parsed);
      region = UTIL.getRegionCodeForNumber(parsed);
    } catch (NumberParseException e) {
      return Optional.empty();
    }
    if (zones.size() != 1 || PhoneNumberToTimeZonesMapper.getUnknownTimeZone().equals(zones.get(0))) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(OWN_ZONE.getOrDefault(region + "/" + zones.get(0), zones.get(0))));
    } catch (DateTimeException e) {
      return Optional.empty(); // a zone name this JDK does not know: the company zone is the safe answer
    }
  }
}
