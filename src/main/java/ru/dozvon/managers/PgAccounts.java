package ru.dozvon.managers;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.PgOwnerRelease;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.NotFound;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;
import ru.dozvon.web.SessionStore;
import ru.dozvon.web.TokenStore;

/**
 * Changes to a manager's account, each in one transaction with its consequences: a change of fields, a new role
 * ({@link RoleChange}), a deactivation (state OFF, tokens revoked, sessions ended, open deals and tasks back to routing), a reactivation (no token:
 * one is re-issued apart), a token re-issued or revoked.
 *
 * <p>A deactivation locks the manager's open deals before the manager's row, the order of every path
 * (docs/ROUTING.md, "Lock order"); once the row is held no deal can be given to them, and the deals given to
 * them just before are released too. Should a rare path still deadlock with it (a deal assigned to them while
 * the row was awaited, and locked by its closure), the transaction is tried once more.
 */
public final class PgAccounts {

  private static final Logger LOG = LoggerFactory.getLogger(PgAccounts.class);

  /** The reason in the history of each deal taken from a deactivated manager. */
  public static final String DEACTIVATED = "manager deactivated";

  /** The reason in the history of each deal taken from an operator who became a supervisor. */
  public static final String BECAME_SUPERVISOR = "manager became supervisor";

  private static final String DEADLOCK = "40P01";

  private static final String UPDATE = """
      UPDATE managers SET
        extension = COALESCE($2, extension),
        max_active_deals = COALESCE($3, max_active_deals),
        state = CASE WHEN COALESCE($7, active) THEN COALESCE($4, state) ELSE 'OFF' END,
        name = COALESCE($5, name),
        timezone = COALESCE($6, timezone),
        active = COALESCE($7, active),
        deactivated_at = CASE WHEN COALESCE($7, active) THEN NULL WHEN active THEN $8 ELSE deactivated_at END,
        auto_dial = COALESCE($9, auto_dial),
        role = COALESCE($10, role),
        updated_at = now()
      WHERE id = $1""";

  private final Pool pool;
  private final PgManagerRepository managers;
  private final Clock clock;

  public PgAccounts(Pool pool, PgManagerRepository managers, Clock clock) {
    this.pool = pool;
    this.managers = managers;
    this.clock = clock;
  }

  /**
   * A manager as changed.
   *
   * @param releasedDeals deals taken from them by a deactivation or a role change now (routing must be woken),
   *     else 0
   * @param roleChange what a new role did; empty when the role stayed
   */
  public record Updated(Manager manager, boolean deactivatedNow, int releasedDeals,
                        Optional<RoleChange.Done> roleChange) {
  }

  /**
   * A new login or password hash for a manager, set with a change (staff only; a supervisor's by the admin only).
   * A new password ends every session of theirs.
   */
  public record Credentials(Optional<String> login, Optional<String> passwordHash) {
    public static final Credentials NONE = new Credentials(Optional.empty(), Optional.empty());

    boolean any() {
      return login.isPresent() || passwordHash.isPresent();
    }
  }

  /** Applies a change; empty when there is no such manager. */
  public Future<Optional<Updated>> update(long id, PgManagerRepository.Change c, Principal who) {
    return update(id, c, Credentials.NONE, who);
  }

  /** Applies a change with new credentials; empty when there is no such manager. */
  public Future<Optional<Updated>> update(long id, PgManagerRepository.Change c, Credentials creds, Principal who) {
    return apply(id, c, creds, who, 1).compose(done -> done.isEmpty() ? Future.succeededFuture(Optional.<Updated>empty())
        : managers.find(id).map(m -> m.map(found -> new Updated(found, done.get().deactivatedNow(),
            done.get().releasedDeals(), done.get().role()))));
  }

  /** What one change did. */
  private record Done(boolean deactivatedNow, int releasedDeals, Optional<RoleChange.Done> role) {
  }

  private Future<Optional<Done>> apply(long id, PgManagerRepository.Change c, Credentials creds, Principal who,
                                       int retries) {
    Instant now = clock.instant();
    boolean deactivating = c.active().equals(Optional.of(false));
    // a new role may release their deals: locked before the manager's row, as for a deactivation
    return pool.withTransaction(tx -> (deactivating || c.role().isPresent() ? PgOwnerRelease.lockOpenDeals(tx, id)
            : Future.<Void>succeededFuture())
        .compose(x -> lockManager(tx, id))
        .compose(row -> {
          if (row.isEmpty()) {
            return Future.succeededFuture(Optional.<Done>empty());
          }
          boolean wasActive = row.get().getBoolean("active");
          String oldRole = row.get().getString("role");
          check(id, c, who, oldRole, wasActive);
          Optional<String> newRole = c.role().filter(r -> !r.equals(oldRole));
          if (creds.any() && who.role() != Role.ADMIN && !"operator".equals(row.get().getString("role"))) {
            throw new Forbidden("only the admin may set a supervisor's login or password");
          }
          return tx.preparedQuery(UPDATE).execute(Tuple.wrap(java.util.Arrays.asList(id, c.extension().orElse(null),
                  c.maxActiveDeals().orElse(null), c.state().map(Enum::name).orElse(null), c.name().orElse(null),
                  c.timezone().orElse(null), c.active().orElse(null), Sql.ts(now), c.autoDial().orElse(null),
                  newRole.orElse(null))))
              .compose(x -> setCredentials(tx, id, creds))
              .compose(x -> newRole.isEmpty() ? Future.succeededFuture(Optional.<RoleChange.Done>empty())
                  : RoleChange.apply(tx, id, oldRole, newRole.get(), wasActive, who.actor(), now).map(Optional::of))
              .compose(role -> {
                int released = role.map(RoleChange.Done::releasedDeals).orElse(0);
                return wasActive && deactivating
                    ? deactivate(tx, id, who, now).map(n -> Optional.of(new Done(true, n + released, role)))
                    : Future.succeededFuture(Optional.of(new Done(false, released, role)));
              });
        }))
        .recover(e -> retries > 0 && e instanceof PgException pg && DEADLOCK.equals(pg.getSqlState())
            ? apply(id, c, creds, who, retries - 1) : Future.failedFuture(e));
  }

  /** A new login and/or password hash; a new password ends the manager's sessions (a reset by staff). */
  private static Future<Void> setCredentials(SqlConnection tx, long id, Credentials creds) {
    if (!creds.any()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("UPDATE managers SET login = COALESCE($2, login), "
            + "password_hash = COALESCE($3, password_hash) WHERE id = $1")
        .execute(Tuple.of(id, creds.login().orElse(null), creds.passwordHash().orElse(null)))
        .compose(x -> creds.passwordHash().isPresent() ? SessionStore.endAll(tx, id).<Void>mapEmpty()
            : Future.<Void>succeededFuture());
  }

  /** Refuses what the caller may not do, and a deactivated manager going on shift. */
  private static void check(long id, PgManagerRepository.Change c, Principal who, String role, boolean active) {
    if (c.role().isPresent() && who.role() != Role.ADMIN) {
      throw new Forbidden("only the admin may change a manager's role");
    }
    if (c.active().isPresent() && who.role() != Role.ADMIN && "supervisor".equals(role)) {
      throw new Forbidden("only the admin may deactivate or reactivate a supervisor");
    }
    boolean willBeActive = c.active().orElse(active);
    if (!willBeActive && c.state().isPresent() && c.state().get() != ManagerState.OFF) {
      throw new RuleViolation("manager_inactive", "manager " + id + " is deactivated and cannot be "
          + c.state().get() + "; reactivate them first with {\"active\": true}");
    }
  }

  /** Tokens revoked, deals and tasks released; the number of deals released. */
  private static Future<Integer> deactivate(SqlConnection tx, long id, Principal who, Instant now) {
    return TokenStore.revokeAll(tx, id)
        .compose(tokens -> SessionStore.endAll(tx, id).map(tokens))
        .compose(tokens -> PgOwnerRelease.release(tx, id, who.actor(), DEACTIVATED, now).map(released -> {
          LOG.info("Manager {} deactivated by {}: {} tokens revoked, {} open deals back to routing, {} tasks released",
              id, who.actor(), tokens, released.dealIds().size(), released.tasks());
          return released.dealIds().size();
        }));
  }

  /**
   * Issues a new token for the manager, shown once, and revokes their previous ones in the same transaction.
   * The admin may do it for anyone, a supervisor for operators.
   */
  public Future<String> reissueToken(long id, Principal who) {
    return pool.withTransaction(tx -> lockManager(tx, id).compose(row -> {
      Row m = row.orElseThrow(() -> new NotFound("manager " + id));
      String role = m.getString("role");
      requireMayManageTokens(who, role);
      if (!m.getBoolean("active")) {
        throw new RuleViolation("manager_inactive", "manager " + id
            + " is deactivated; reactivate them first with {\"active\": true}, then issue a token");
      }
      Role tokenRole = "supervisor".equals(role) ? Role.SUPERVISOR : Role.OPERATOR;
      return TokenStore.reissue(tx, tokenRole, id, "manager " + id + " (re-issued by " + who.actor() + ")");
    }));
  }

  /** Revokes every token of the manager; the number revoked. Who may: as for {@link #reissueToken}. */
  public Future<Integer> revokeTokens(long id, Principal who) {
    return pool.withTransaction(tx -> lockManager(tx, id).compose(row -> {
      requireMayManageTokens(who, row.orElseThrow(() -> new NotFound("manager " + id)).getString("role"));
      return TokenStore.revokeAll(tx, id);
    }));
  }

  private static void requireMayManageTokens(Principal who, String role) {
    who.require(Role.ADMIN, Role.SUPERVISOR);
    if (who.role() != Role.ADMIN && !"operator".equals(role)) {
      throw new Forbidden("only the admin may re-issue or revoke a supervisor's token");
    }
  }

  /** The manager's row, locked to the end of the transaction (serialises account changes of one manager). */
  private static Future<Optional<Row>> lockManager(SqlConnection tx, long id) {
    return tx.preparedQuery("SELECT role, active FROM managers WHERE id = $1 FOR NO KEY UPDATE").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }
}
