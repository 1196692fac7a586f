package ru.dozvon.managers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.call.PhoneState;
import ru.dozvon.support.TestApp;

/**
 * Phone states stored in one statement for several extensions, on the real database: only real changes come back,
 * each saying whether its manager could take a lead now (the phone wiring wakes routing for those alone: an
 * off-shift operator's phone hanging up must not sweep the waiting deals).
 */
class PhoneStateStoreTest {

  static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  static TestApp t;
  static PgManagerRepository repo;

  @BeforeAll
  static void start() throws Exception {
    t = TestApp.start();
    repo = new PgManagerRepository(t.app.pool());
    t.app.pool().query("""
        INSERT INTO managers (name, extension, max_active_deals, state, phone_state) VALUES
          ('On shift', '701', 5, 'ON_SHIFT', 'IN_USE'),
          ('Off shift', '702', 5, 'OFF', 'IN_USE'),
          ('At cap', '703', 0, 'ON_SHIFT', 'IN_USE'),
          ('Paused', '704', 5, 'PAUSED', 'IN_USE')""").execute().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void severalPhonesInOneWriteAndWhoCouldTakeALead() throws Exception {
    List<PgManagerRepository.PhoneChange> changed = repo.setPhoneStates(List.of("701", "702", "703", "704", "799"),
        List.of(PhoneState.AVAILABLE, PhoneState.AVAILABLE, PhoneState.AVAILABLE, PhoneState.AVAILABLE,
            PhoneState.AVAILABLE), List.of(T, T, T, T, T)).await(10, TimeUnit.SECONDS);

    Map<String, Boolean> canTake = new java.util.TreeMap<>();
    changed.forEach(c -> canTake.put(c.extension(), c.canTakeLeads()));
    assertThat(canTake).as("799: nobody has it").isEqualTo(Map.of("701", true, "702", false, "703", false,
        "704", false));
    assertThat(changed).allSatisfy(c -> {
      assertThat(c.previous()).isEqualTo(PhoneState.IN_USE);
      assertThat(c.state()).isEqualTo(PhoneState.AVAILABLE);
    });
    var row = t.app.pool().preparedQuery("SELECT phone_state, phone_state_at FROM managers WHERE extension = $1")
        .execute(Tuple.of("702")).await(10, TimeUnit.SECONDS).iterator().next();
    assertThat(row.getString(0)).isEqualTo("AVAILABLE");
    assertThat(row.getOffsetDateTime(1).toInstant()).isEqualTo(T);

    assertThat(repo.setPhoneStates(List.of("701", "702"), List.of(PhoneState.AVAILABLE, PhoneState.RINGING),
        List.of(T.plusSeconds(1), T.plusSeconds(1))).await(10, TimeUnit.SECONDS))
        .as("701 was already available: only 702 changed").singleElement()
        .satisfies(c -> assertThat(c.extension()).isEqualTo("702"));
  }
}
