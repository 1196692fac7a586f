package ru.dozvon.reports;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.web.Api;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;

/**
 * {@code GET /api/reports/{funnel|reasons|managers|heatmap|ladder}?from=&to=&format=} for staff: JSON, or CSV for
 * Excel with {@code format=csv} or {@code Accept: text/csv} (docs/REPORTS.md).
 */
public final class ReportRoutes implements RouteGroup {

  private final Clock clock;
  private final ZoneId zone;
  private final Map<String, Function<ReportPeriod, Future<ReportViews.Rendered>>> byName;

  public ReportRoutes(PgReports reports, Clock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
    this.byName = Map.of(
        "funnel", p -> reports.funnel(p).map(f -> ReportViews.funnel(p, f)),
        "reasons", p -> reports.reasons(p).map(r -> ReportViews.reasons(p, r)),
        "managers", p -> reports.managers(p).map(m -> ReportViews.managers(p, m)),
        "heatmap", p -> reports.heatmap(p).map(h -> ReportViews.heatmap(p, h)),
        "ladder", p -> reports.ladder(p).map(l -> ReportViews.ladder(p, l)));
  }

  @Override
  public void mount(Router api) {
    for (String name : new java.util.TreeSet<>(byName.keySet())) {
      api.get("/reports/" + name).handler(ctx -> report(ctx, name));
    }
  }

  private void report(RoutingContext ctx, String name) {
    Api.principal(ctx).require(Role.ADMIN, Role.SUPERVISOR);
    boolean csv = wantsCsv(ctx);
    ReportPeriod period = ReportPeriod.parse(ctx.queryParams().get("from"), ctx.queryParams().get("to"),
        clock.instant(), zone);
    byName.get(name).apply(period).onSuccess(r -> {
      if (!csv) {
        Api.send(ctx, 200, r.json());
        return;
      }
      String file = name + "-" + period.from() + "-" + period.to() + ".csv";
      ctx.response().setStatusCode(200)
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + file + "\"")
          .end(Buffer.buffer(Csv.table(r.header(), r.rows())));
    }).onFailure(ctx::fail);
  }

  private static boolean wantsCsv(RoutingContext ctx) {
    String format = ctx.queryParams().get("format");
    if (format != null && !format.isBlank()) {
      return switch (format.strip().toLowerCase(Locale.ROOT)) {
        case "csv" -> true;
        case "json" -> false;
        default -> throw new InvalidInput("format", "'" + (format.length() > 20 ? format.substring(0, 20) + "..." : format)
            + "' is not a format (expected json or csv)");
      };
    }
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
  }
}
