package ru.dozvon.dialing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.DayOfWeek;
import java.time.Duration;
import java.util.List;
import ru.dozvon.web.Api;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;

/**
 * {@code GET /api/settings/dialing} (staff): the retry ladder, calling window, per-number limits, email variant
 * and progressive dialer as this instance runs them, read-only, each part with where it is changed (the YAML key,
 * the environment variable). The admin page shows it; changing them means editing the settings and restarting.
 */
public final class DialingSettingsRoutes implements RouteGroup {

  private final JsonObject body;

  public DialingSettingsRoutes(RetryConfig retry, DialerConfig dialer) {
    this.body = json(retry, dialer);
  }

  @Override
  public void mount(Router api) {
    api.get("/settings/dialing").handler(ctx -> {
      Api.principal(ctx).require(Role.ADMIN, Role.SUPERVISOR);
      Api.send(ctx, 200, body);
    });
  }

  static JsonObject json(RetryConfig retry, DialerConfig dialer) {
    RetryPolicyConfig p = retry.policy();
    CallingWindow w = retry.window();
    JsonArray holidays = new JsonArray();
    w.holidays().stream().sorted().forEach(d -> holidays.add(d.toString()));
    JsonArray days = new JsonArray();
    w.days().stream().sorted().map(DayOfWeek::name).forEach(days::add);
    NumberLimits l = retry.limits();
    EmailOnlyConfig e = retry.emailOnly();
    return new JsonObject()
        .put("ladder", new JsonObject()
            .put("steps", steps(p.steps()))
            .put("callLaterAfter", duration(p.callLaterAfter()))
            .put("exhausted", new JsonObject().put("lossReason", p.lossReason()).put("supervisorTask", p.supervisorTask()))
            .put("configKey", "retry.steps, retry.call_later_after, retry.exhausted"))
        .put("callingWindow", new JsonObject()
            .put("timezone", w.zone().getId())
            .put("opens", w.opens().toString())
            .put("closes", w.closes().toString())
            .put("days", days)
            .put("holidays", holidays)
            .put("configKey", "retry.calling_window")
            .put("env", new JsonArray(List.of("DOZVON_TIMEZONE", "DOZVON_CALLING_HOURS", "DOZVON_CALLING_DAYS"))))
        .put("numberLimits", new JsonObject()
            .put("mobile", limit(l.mobile()))
            .put("fixedLine", limit(l.fixedLine()))
            .put("other", limit(l.other()))
            .put("configKey", "retry.number_limits"))
        .put("emailOnly", new JsonObject()
            .put("requests", steps(e.requests()))
            .put("task", e.task())
            .put("template", e.template())
            .put("configKey", "retry.email_only"))
        .put("dialer", new JsonObject()
            .put("autoDial", dialer.autoDial())
            .put("wrapUp", duration(dialer.wrapUp()))
            .put("afterOperatorFailure", duration(dialer.afterOperatorFailure()))
            .put("configKey", "dialer")
            .put("env", new JsonArray(List.of("DOZVON_AUTODIAL"))))
        .put("changedIn", "config/application.yaml or the file named by DOZVON_CONFIG; read at start-up (restart to apply)");
  }

  private static JsonArray steps(List<RetryStep> steps) {
    JsonArray out = new JsonArray();
    int no = 1;
    for (RetryStep s : steps) {
      JsonObject o = new JsonObject().put("step", no);
      String previous = no == 1 ? "arrival" : "attempt " + (no - 1);
      if (s instanceof RetryStep.AfterDelay d) {
        o.put("kind", "delay").put("delay", duration(d.delay()));
      } else if (s instanceof RetryStep.NextCallingDay n) {
        o.put("kind", "next_calling_day").put("offset", duration(n.offset()));
      }
      out.add(o.put("from", no == 1 ? "arrival" : "previous").put("describe", s.describe(previous)));
      no++;
    }
    return out;
  }

  private static JsonObject limit(NumberLimits.Limit l) {
    return new JsonObject().put("maxPerDay", l.maxPerDay()).put("minGap", duration(l.minGap()));
  }

  /** {@code {"seconds": 3600, "iso": "PT1H"}}: seconds for arithmetic, ISO for exactness. */
  private static JsonObject duration(Duration d) {
    return new JsonObject().put("seconds", d.getSeconds()).put("iso", d.toString());
  }
}
