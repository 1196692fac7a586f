package ru.dozvon.reports;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reports' reads (docs/REPORTS.md). Read only: every table here belongs to another feature. Each report is
 * one statement that aggregates in the database; only counts come back (the heatmap's in 15-minute buckets, which
 * the pure {@link Heatmap} places in the company's zone).
 */
public final class PgReports {

  /** The furthest stage of each deal of the cohort: its stage now, and any stage its history moved it to. */
  private static final String FUNNEL = """
      WITH cohort AS (SELECT id, stage, status FROM deals WHERE arrived_at >= $1 AND arrived_at < $2)
      SELECT greatest(coalesce(array_position($3::text[], c.stage), 0),
               coalesce((SELECT max(greatest(coalesce(array_position($3::text[], h.details->>'to'), 0),
                                             coalesce(array_position($3::text[], h.details->>'stage'), 0)))
                         FROM deal_history h WHERE h.deal_id = c.id AND h.kind IN ('stage', 'closed', 'reopened')), 0))
               AS furthest,
             c.status, count(*) AS n
      FROM cohort c GROUP BY 1, 2""";
  private static final String REASONS = """
      SELECT status, coalesce(close_reason, '') AS reason, count(*) AS n FROM deals
      WHERE closed_at >= $1 AND closed_at < $2 GROUP BY 1, 2""";
  private static final String MANAGERS = """
      WITH l AS (SELECT manager_id AS id, count(*) AS leads, count(first_contact_at) AS reached,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_contact_at - arrived_at)::float8) AS p50,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_contact_at - arrived_at)::float8) AS p90
                 FROM deals WHERE arrived_at >= $1 AND arrived_at < $2 AND manager_id IS NOT NULL GROUP BY manager_id),
           c AS (SELECT manager_id AS id, count(*) FILTER (WHERE status = 'WON') AS won,
                   count(*) FILTER (WHERE status = 'LOST') AS lost,
                   avg(extract(epoch FROM closed_at - arrived_at)::float8) FILTER (WHERE status = 'WON') AS cycle
                 FROM deals WHERE closed_at >= $1 AND closed_at < $2 AND manager_id IS NOT NULL GROUP BY manager_id),
           t AS (SELECT operator_ext AS ext, count(*) AS calls, sum(talk_seconds) AS talk FROM calls
                 WHERE ended_at >= $1 AND ended_at < $2 AND operator_ext IS NOT NULL GROUP BY operator_ext)
      SELECT m.id, m.name, m.extension, m.active, coalesce(l.leads, 0) AS leads, coalesce(l.reached, 0) AS reached,
             l.p50, l.p90, coalesce(c.won, 0) AS won, coalesce(c.lost, 0) AS lost, c.cycle,
             coalesce(t.calls, 0) AS calls, coalesce(t.talk, 0) AS talk
      FROM managers m LEFT JOIN l ON l.id = m.id LEFT JOIN c ON c.id = m.id LEFT JOIN t ON t.ext = m.extension
      WHERE l.id IS NOT NULL OR c.id IS NOT NULL OR t.ext IS NOT NULL
      ORDER BY coalesce(l.leads, 0) DESC, m.id""";
  private static final String HEATMAP = """
      SELECT floor(extract(epoch FROM started_at) / %d)::bigint AS bucket, count(*) AS n FROM calls
      WHERE missed AND started_at >= $1 AND started_at < $2 GROUP BY 1""".formatted(Heatmap.BUCKET_SECONDS);
  private static final String LADDER = """
      SELECT step, state, outcome, count(*) AS n FROM attempts WHERE due_at >= $1 AND due_at < $2 GROUP BY 1, 2, 3""";

  private final Pool pool;
  private final ReportSettings settings;

  public PgReports(Pool pool, ReportSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  public ReportSettings settings() {
    return settings;
  }

  private static Tuple span(ReportPeriod p) {
    return Tuple.of(p.start().atOffset(ZoneOffset.UTC), p.end().atOffset(ZoneOffset.UTC));
  }

  public Future<FunnelReport> funnel(ReportPeriod p) {
    return pool.preparedQuery(FUNNEL).execute(span(p).addArrayOfString(settings.stageCodes())).map(rows -> {
      Map<Integer, Long> furthest = new HashMap<>();
      Map<String, Long> status = new LinkedHashMap<>();
      for (String s : List.of("OPEN", "WON", "LOST", "INVALID")) {
        status.put(s, 0L);
      }
      for (Row r : rows) {
        furthest.merge(r.getInteger("furthest"), r.getLong("n"), Long::sum);
        status.merge(r.getString("status"), r.getLong("n"), Long::sum);
      }
      return FunnelReport.of(settings.stages(), furthest, status);
    });
  }

  /** Closed deals by status (LOST, WON, INVALID) and reason. */
  public Future<Map<String, ReasonShares>> reasons(ReportPeriod p) {
    return pool.preparedQuery(REASONS).execute(span(p)).map(rows -> {
      Map<String, Map<String, Long>> counted = new HashMap<>();
      for (Row r : rows) {
        counted.computeIfAbsent(r.getString("status"), k -> new LinkedHashMap<>())
            .merge(r.getString("reason"), r.getLong("n"), Long::sum);
      }
      Map<String, ReasonShares> out = new LinkedHashMap<>();
      out.put("LOST", ReasonShares.of(settings.lossReasons(), counted.getOrDefault("LOST", Map.of())));
      out.put("WON", ReasonShares.of(settings.winReasons(), counted.getOrDefault("WON", Map.of())));
      out.put("INVALID", ReasonShares.of(settings.invalidReasons(), counted.getOrDefault("INVALID", Map.of())));
      return out;
    });
  }

  public Future<List<ManagerFiguresRow>> managers(ReportPeriod p) {
    return pool.preparedQuery(MANAGERS).execute(span(p)).map(rows -> {
      List<ManagerFiguresRow> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new ManagerFiguresRow(r.getLong("id"), r.getString("name"), r.getString("extension"),
            r.getBoolean("active"), r.getLong("leads"), r.getLong("reached"), r.getDouble("p50"), r.getDouble("p90"),
            r.getLong("won"), r.getLong("lost"), r.getDouble("cycle"), r.getLong("calls"), r.getLong("talk")));
      }
      return out;
    });
  }

  public Future<Heatmap> heatmap(ReportPeriod p) {
    return pool.preparedQuery(HEATMAP).execute(span(p)).map(rows -> {
      Map<Long, Long> buckets = new HashMap<>();
      for (Row r : rows) {
        buckets.put(r.getLong("bucket"), r.getLong("n"));
      }
      return Heatmap.of(buckets, p.zone());
    });
  }

  public Future<LadderReport> ladder(ReportPeriod p) {
    return pool.preparedQuery(LADDER).execute(span(p)).map(rows -> {
      List<LadderReport.Count> counts = new ArrayList<>();
      for (Row r : rows) {
        counts.add(new LadderReport.Count(r.getInteger("step"), r.getString("state"), r.getString("outcome"),
            r.getLong("n")));
      }
      return LadderReport.of(counts);
    });
  }
}
