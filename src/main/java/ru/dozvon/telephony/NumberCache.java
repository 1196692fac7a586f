package ru.dozvon.telephony;

import java.util.LinkedHashMap;
import java.util.Map;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.phone.PhoneNumbers;

/**
 * Caller numbers as {@link PhoneNumbers#tryParse} reads them, remembered: a call repeats its caller
 * id on every channel (and the verdict reads it once more), and the company numbers recur on every
 * call, while a libphonenumber parse costs microseconds (it was half of the tracker's CPU time in
 * the AMI throughput benchmark). Bounded (least recently used out), owned by one tracker, so not
 * thread-safe. Same answers as {@code PhoneNumbers.tryParse}: {@link PhoneNumber} is immutable.
 */
final class NumberCache {

  private static final Object INVALID = new Object();

  private final Map<String, Object> parsed;

  NumberCache(int capacity) {
    this.parsed = new LinkedHashMap<>(Math.min(capacity, 256), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The number {@code raw} stands for, or null when it is not a valid number. */
  PhoneNumber parse(String raw) {
    if (raw == null) {
      return null;
    }
    Object v = parsed.get(raw);
    if (v == null) {
      v = PhoneNumbers.tryParse(raw).<Object>map(p -> p).orElse(INVALID);
      parsed.put(raw, v);
    }
    return v == INVALID ? null : (PhoneNumber) v;
  }

  /** True when {@code raw} is a valid number. */
  boolean isValid(String raw) {
    return parse(raw) != null;
  }
}
