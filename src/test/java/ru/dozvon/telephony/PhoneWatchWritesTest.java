package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ru.dozvon.call.PhoneState;
import ru.dozvon.telephony.TelephonyEvent.PhoneEvent.DeviceState;

/**
 * How phone changes reach the store: one write at a time for every phone; the changes that come meanwhile wait, the
 * latest of each phone only, and go together in the next write. So no phone's states are stored out of order, and a
 * floor of busy phones costs one write a round trip instead of one a change.
 */
class PhoneWatchWritesTest {

  static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  final List<List<PhoneStates.Change>> writes = new ArrayList<>();
  final List<Promise<Void>> pending = new ArrayList<>();
  final PhoneWatch watch = new PhoneWatch(OperatorDevices.pjsip(), batch -> {
    writes.add(batch);
    Promise<Void> p = Promise.promise();
    pending.add(p);
    return p.future();
  }, k -> Future.succeededFuture(), r -> { });

  void device(String ext, String state, int second) {
    watch.phone(new DeviceState(T.plusSeconds(second), "PJSIP/" + ext, state), T.plusSeconds(second));
  }

  static String text(List<PhoneStates.Change> batch) {
    return String.join(" ", batch.stream().map(c -> c.extension() + "=" + c.state()).toList());
  }

  @Test
  void changesWhileAWriteIsUnderWayGoTogetherInTheNextOneTheLatestOfEachPhone() {
    device("101", "RINGING", 0);
    assertThat(writes).as("the first change is written at once, alone").hasSize(1);
    assertThat(text(writes.get(0))).isEqualTo("101=RINGING");

    device("102", "RINGING", 1);
    device("101", "INUSE", 2);
    device("103", "RINGING", 3);
    device("102", "NOT_INUSE", 4);
    device("102", "RINGING", 5);
    assertThat(writes).as("nothing more while the first write is under way").hasSize(1);

    pending.get(0).complete();
    assertThat(writes).hasSize(2);
    assertThat(text(writes.get(1))).as("the latest state of each phone, in the order they last changed")
        .isEqualTo("101=IN_USE 103=RINGING 102=RINGING");
    assertThat(writes.get(1).get(2).at()).isEqualTo(T.plusSeconds(5));

    pending.get(1).complete();
    assertThat(writes).as("nothing waits: no empty write").hasSize(2);
    device("101", "NOT_INUSE", 6);
    assertThat(writes).hasSize(3);
    assertThat(text(writes.get(2))).isEqualTo("101=AVAILABLE");
  }

  @Test
  void aFailedWriteDoesNotStopTheNextOne() {
    device("101", "RINGING", 0);
    device("101", "INUSE", 1);
    pending.get(0).fail(new IllegalStateException("database away"));
    assertThat(writes).hasSize(2);
    assertThat(text(writes.get(1))).isEqualTo("101=IN_USE");
    assertThat(watch.states().state("101")).isEqualTo(PhoneState.IN_USE);
  }
}
