package ru.dozvon.managers;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.web.Api;

/** The fields of a manager as requests write them, checked; each refusal names its field. */
final class ManagerInput {

  private ManagerInput() {
  }

  static Optional<String> extension(JsonObject b) {
    Object v = b.getValue("extension");
    if (v instanceof Number n) {
      v = String.valueOf(n.longValue());
    }
    if (v != null && !(v instanceof String)) {
      throw new InvalidInput("extension", "must be 2 to 10 digits");
    }
    Optional<String> ext = Optional.ofNullable((String) v).map(String::strip);
    if (ext.isPresent() && !ext.get().matches("[0-9]{2,10}")) {
      throw new InvalidInput("extension", "must be 2 to 10 digits");
    }
    return ext;
  }

  static Optional<String> timezone(JsonObject b) {
    return Api.optionalString(b, "timezone", 64).map(z -> {
      try {
        return ZoneId.of(z).getId();
      } catch (DateTimeException e) {
        throw new InvalidInput("timezone", "'" + z + "' is not a time zone such as Europe/Moscow");
      }
    });
  }

  static <T> Future<T> duplicateExtension(Throwable t) {
    if (t instanceof PgException pg && "23505".equals(pg.getSqlState()) && "managers_login".equals(pg.getConstraint())) {
      return Future.failedFuture(new RuleViolation("login_taken", "login is already used by another manager "
          + "(logins are compared without regard to case)"));
    }
    if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(new RuleViolation("extension_taken", "extension is already used by another manager"));
    }
    return Future.failedFuture(t);
  }
}
