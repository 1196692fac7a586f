package ru.dozvon.telephony;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recording each live call's dialplan named ({@code DOZVON_RECORDING}), kept until the call ends and its
 * record takes it. Bounded: a call that never ends (lost by the tracker) cannot make it grow for ever. One
 * thread (the telephony event loop).
 */
final class RecordingNames {

  private static final int MAX = 20_000;

  private final Map<String, String> byCall = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX;
    }
  };

  /** The last name set on any channel of the call wins (a transfer may start a second MixMonitor). */
  void note(String linkedid, String file) {
    if (linkedid != null && !linkedid.isBlank() && file != null && !file.isBlank()) {
      byCall.put(linkedid, file);
    }
  }

  /** The call's recording, forgotten here; null when it had none. */
  String take(String linkedid) {
    return linkedid == null ? null : byCall.remove(linkedid);
  }
}
