package ru.dozvon.managers;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import ru.dozvon.call.PhoneState;
import ru.dozvon.web.Role;
import ru.dozvon.web.TokenStore;

/** Managers in PostgreSQL, with their load and decided deals computed in the same query. */
public final class PgManagerRepository {

  private static final String SELECT = """
      SELECT m.*,
             m.open_deals AS active_deals,
             (SELECT count(*) FROM deals d WHERE d.manager_id = m.id AND d.status = 'WON'
                 AND d.closed_at > now() - interval '90 days') AS won,
             (SELECT count(*) FROM deals d WHERE d.manager_id = m.id AND d.status = 'LOST'
                 AND d.closed_at > now() - interval '90 days') AS lost
      FROM managers m
      """;

  private final Pool pool;

  public PgManagerRepository(Pool pool) {
    this.pool = pool;
  }

  /** A new manager plus a login token for them, in one transaction. */
  public record Created(Manager manager, String token) {
  }

  /**
   * Fields a create carries.
   *
   * @param login what they sign in with, or null
   * @param passwordHash the Argon2id hash of their first password, or null
   */
  public record NewManager(String name, String extension, String role, int maxActiveDeals, String timezone,
                           String login, String passwordHash) {
    public NewManager(String name, String extension, String role, int maxActiveDeals, String timezone) {
      this(name, extension, role, maxActiveDeals, timezone, null, null);
    }
  }

  /**
   * Fields an update may change; empty ones stay as they are ({@link PgAccounts#update} applies them).
   *
   * @param active false deactivates (state OFF, tokens revoked, deals back to routing), true reactivates
   * @param autoDial the progressive dialer on or off for them
   * @param role {@code operator} or {@code supervisor} (the admin only): sessions end, an operator's deals go back
   *     to routing
   */
  public record Change(Optional<String> extension, Optional<Integer> maxActiveDeals, Optional<ManagerState> state,
                       Optional<String> name, Optional<String> timezone, Optional<Boolean> active,
                       Optional<Boolean> autoDial, Optional<String> role) {
    public Change(Optional<String> extension, Optional<Integer> maxActiveDeals, Optional<ManagerState> state,
                  Optional<String> name, Optional<String> timezone, Optional<Boolean> active,
                  Optional<Boolean> autoDial) {
      this(extension, maxActiveDeals, state, name, timezone, active, autoDial, Optional.empty());
    }

    public Change(Optional<String> extension, Optional<Integer> maxActiveDeals, Optional<ManagerState> state,
                  Optional<String> name, Optional<String> timezone, Optional<Boolean> active) {
      this(extension, maxActiveDeals, state, name, timezone, active, Optional.empty());
    }
  }

  public Future<Created> create(NewManager m) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            INSERT INTO managers (name, extension, role, max_active_deals, timezone, login, password_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""")
        .execute(Tuple.wrap(java.util.Arrays.asList(m.name(), m.extension(), m.role(), m.maxActiveDeals(),
            m.timezone(), m.login(), m.passwordHash())))
        .compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          Role role = "supervisor".equals(m.role()) ? Role.SUPERVISOR : Role.OPERATOR;
          return TokenStore.issue(tx, role, id, "manager " + id).map(token -> new Object[] {id, token});
        }))
        .compose(pair -> find((Long) pair[0]).map(found -> new Created(found.orElseThrow(), (String) pair[1])));
  }

  public Future<List<Manager>> list() {
    return pool.query(SELECT + " ORDER BY m.id").execute().map(rows -> {
      List<Manager> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(map(r)));
      return out;
    });
  }

  public Future<Optional<Manager>> find(long id) {
    return pool.preparedQuery(SELECT + " WHERE m.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /**
   * Records a pause on the PBX (a queue member paused on the phone) for the manager with that
   * extension. True when it changed something.
   */
  public Future<Boolean> setPbxPaused(String extension, boolean paused) {
    return pool.preparedQuery("""
            UPDATE managers SET pbx_paused = $2, updated_at = now()
            WHERE extension = $1 AND pbx_paused <> $2""")
        .execute(Tuple.of(extension, paused))
        .map(r -> r.rowCount() > 0);
  }

  /**
   * The manager whose phone changed: from {@code previous} to {@code state}; {@code canTakeLeads}: an active operator
   * on shift, not paused at the PBX, under their cap (so a phone coming free may let routing hand them a lead).
   */
  public record PhoneChange(long managerId, String name, String extension, PhoneState previous, PhoneState state,
                            boolean canTakeLeads) {
  }

  /** RETURNING of the phone-state updates: whether the manager could take a lead now ({@link PhoneChange}). */
  private static final String CAN_TAKE_LEADS = """
      m.role = 'operator' AND m.active AND m.state = 'ON_SHIFT' AND NOT m.pbx_paused
        AND m.open_deals < m.max_active_deals AS can_take""";

  private static List<PhoneChange> phoneChanges(io.vertx.sqlclient.RowSet<Row> rows) {
    List<PhoneChange> out = new ArrayList<>();
    rows.forEach(r -> out.add(new PhoneChange(r.getLong("id"), r.getString("name"), r.getString("extension"),
        PhoneState.valueOf(r.getString("previous")), PhoneState.valueOf(r.getString("state")),
        r.getBoolean("can_take"))));
    return out;
  }

  /**
   * Records the PBX's word on the phones of these extensions ({@code managers.phone_state}, shared by every instance
   * for routing), one state each, in one statement. The managers whose state changed (an extension nobody has, or
   * a state that was already that, changes nothing).
   */
  public Future<List<PhoneChange>> setPhoneStates(List<String> extensions, List<PhoneState> states,
                                                  List<java.time.Instant> ats) {
    return pool.preparedQuery("""
            UPDATE managers m SET phone_state = s.state, phone_state_at = s.at
            FROM (SELECT id, phone_state FROM managers WHERE extension = ANY($1) ORDER BY id FOR UPDATE) before,
                 unnest($1::text[], $2::text[], $3::timestamptz[]) AS s(ext, state, at)
            WHERE m.id = before.id AND m.extension = s.ext AND before.phone_state <> s.state
            RETURNING m.id, m.name, m.extension, before.phone_state AS previous, s.state,
            """ + CAN_TAKE_LEADS)
        .execute(Tuple.of(extensions.toArray(String[]::new),
            states.stream().map(Enum::name).toArray(String[]::new),
            ats.stream().map(a -> a.atOffset(java.time.ZoneOffset.UTC)).toArray(OffsetDateTime[]::new)))
        .map(PgManagerRepository::phoneChanges);
  }

  /**
   * Stores phone states where a manager with the extension has another state as of an earlier moment (or
   * none): never over a newer change. The managers whose state changed, with the extension each has.
   */
  public Future<List<PhoneChange>> syncPhoneStates(List<String> extensions, List<PhoneState> states,
                                                   List<java.time.Instant> ats) {
    return pool.preparedQuery("""
            UPDATE managers m SET phone_state = s.state, phone_state_at = s.at
            FROM (SELECT id, phone_state, phone_state_at FROM managers WHERE extension = ANY($1) FOR UPDATE) before,
                 unnest($1::text[], $2::text[], $3::timestamptz[]) AS s(ext, state, at)
            WHERE m.id = before.id AND m.extension = s.ext AND before.phone_state <> s.state
              AND (before.phone_state_at IS NULL OR before.phone_state_at <= s.at)
            RETURNING m.id, m.name, m.extension, before.phone_state AS previous, s.state,
            """ + CAN_TAKE_LEADS)
        .execute(Tuple.of(extensions.toArray(String[]::new),
            states.stream().map(Enum::name).toArray(String[]::new),
            ats.stream().map(a -> a.atOffset(java.time.ZoneOffset.UTC)).toArray(OffsetDateTime[]::new)))
        .map(PgManagerRepository::phoneChanges);
  }

  static Manager map(Row r) {
    OffsetDateTime created = r.getOffsetDateTime("created_at");
    OffsetDateTime deactivated = r.getOffsetDateTime("deactivated_at");
    return new Manager(r.getLong("id"), r.getString("name"), r.getString("extension"), r.getString("role"),
        r.getInteger("max_active_deals"), r.getString("timezone"), ManagerState.valueOf(r.getString("state")),
        r.getBoolean("pbx_paused"), r.getLong("active_deals").intValue(), r.getLong("won").intValue(),
        r.getLong("lost").intValue(), created.toInstant(), r.getBoolean("active"),
        deactivated == null ? null : deactivated.toInstant(), PhoneState.valueOf(r.getString("phone_state")),
        r.getBoolean("auto_dial"), r.getString("login"), r.getValue("password_hash") != null);
  }
}
