package ru.dozvon.managers;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.PgOwnerRelease;
import ru.dozvon.web.Role;
import ru.dozvon.web.SessionStore;
import ru.dozvon.web.TokenStore;

/**
 * The consequences of a manager's new role, inside the transaction that sets it (the caller holds the manager's
 * row, and has locked their open deals first, as a deactivation does): their sessions end, so that the new rights
 * apply from the next sign-in (and their open streams close); their live tokens keep working with the new role
 * (a token row carries its role); an operator becoming a supervisor takes no more leads, and their open deals and
 * tasks go back to routing exactly as a deactivated manager's do.
 */
final class RoleChange {

  private static final Logger LOG = LoggerFactory.getLogger(RoleChange.class);

  /**
   * What a role change did.
   *
   * @param releasedDeals open deals sent back to routing (routing must be woken after the commit)
   * @param sessionsEnded the person's sessions ended
   */
  record Done(String from, String to, int releasedDeals, int sessionsEnded) {
    JsonObject toJson() {
      return new JsonObject().put("from", from).put("to", to).put("releasedDeals", releasedDeals)
          .put("sessionsEnded", sessionsEnded);
    }
  }

  private RoleChange() {
  }

  /** Checks a role as a request writes it. */
  static String parse(Object v) {
    if (!"operator".equals(v) && !"supervisor".equals(v)) {
      throw new ru.dozvon.errors.InvalidInput("role", "must be operator or supervisor");
    }
    return (String) v;
  }

  /** Applies the consequences of a role going from {@code from} to {@code to} (the two differ). */
  static Future<Done> apply(SqlConnection tx, long id, String from, String to, boolean active, String actor,
                            Instant now) {
    Role tokenRole = "supervisor".equals(to) ? Role.SUPERVISOR : Role.OPERATOR;
    boolean releases = active && "operator".equals(from);
    return TokenStore.setRole(tx, id, tokenRole)
        .compose(tokens -> SessionStore.endAll(tx, id).compose(sessions -> (releases
                ? PgOwnerRelease.release(tx, id, actor, PgAccounts.BECAME_SUPERVISOR, now)
                : Future.succeededFuture(new PgOwnerRelease.Released(java.util.List.of(), 0)))
            .map(released -> {
              LOG.info("Manager {} role {} -> {} by {}: {} sessions ended, {} tokens follow, {} open deals back to "
                  + "routing, {} tasks released", id, from, to, actor, sessions, tokens, released.dealIds().size(),
                  released.tasks());
              return new Done(from, to, released.dealIds().size(), sessions);
            })));
  }
}
