package ru.dozvon.telephony;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Feeds transcript blocks through the real mapper into a tracker, as the bridge will. */
final class Replay {

  static final Instant T0 = Instant.parse("2026-11-24T20:00:00Z");

  final AmiEventMapper mapper;
  final CallTracker tracker;
  final List<CallRecord> ended = new ArrayList<>();

  Replay(TrackerSettings settings, Clock clock) {
    this.mapper = new AmiEventMapper(settings.markerVariable());
    this.tracker = new CallTracker(settings, clock);
  }

  Replay() {
    this(TrackerSettings.defaults(), Clock.fixed(T0, ZoneOffset.UTC));
  }

  Replay feed(List<Map<String, Object>> blocks) {
    for (TelephonyEvent e : AmiTranscript.events(blocks, mapper)) {
      ended.addAll(tracker.accept(e));
    }
    return this;
  }

  Replay feed(TelephonyEvent e) {
    ended.addAll(tracker.accept(e));
    return this;
  }

  static List<CallRecord> of(String resource) {
    return new Replay().feed(AmiTranscript.blocks(resource)).ended;
  }
}
