package ru.dozvon.deals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import ru.dozvon.time.WorkingTime;

/**
 * The sales funnel's rules (DOMAIN.md section 5), pure: a deal view and the time in, a verdict out.
 * Nothing is loaded or stored here; the caller stores what an allowed verdict says (new stage,
 * tasks, history entry) and answers a refusal with 409 ({@code orThrow()} gives a
 * {@link FunnelRuleViolation}).
 *
 * <p>Refusals are values, not exceptions: {@link StageMove}, {@link Closure} and {@link Reopening}
 * each have a {@code Refused} case carrying a {@link Refusal} (rule code, message, fields at
 * fault), because a refused move is an expected answer that callers branch on. Code that wants a
 * failed {@code Future} calls {@code orThrow()}, which throws {@link FunnelRuleViolation}; the web
 * failure handler maps that one exception to 409 with
 * {@code {"code": "missing_fields", "message": ..., "missingFields": ["niche", "source"]}}.
 *
 * <p>Required fields are cumulative: entering stage <i>k</i> needs the fields of stages 1..k, so a
 * deal that skips stages still carries everything the stages it skipped would have asked for.
 */
public final class Funnel {

  private final FunnelConfig config;
  private final Map<String, Integer> positions = new HashMap<>();
  private final DealClosing closing;
  private final Qualification qualification;
  private final WorkingTime workingTime;

  /** A funnel whose deadlines are plain elapsed time (the rules alone). */
  public Funnel(FunnelConfig config) {
    this(config, WorkingTime.ALWAYS);
  }

  /** A funnel whose task deadlines count {@code workingTime} (the calling window's calendar, issue 12). */
  public Funnel(FunnelConfig config, WorkingTime workingTime) {
    this.config = Objects.requireNonNull(config, "config");
    this.workingTime = Objects.requireNonNull(workingTime, "workingTime");
    for (int i = 0; i < config.stages().size(); i++) {
      positions.put(config.stages().get(i).code(), i);
    }
    this.closing = new DealClosing(this);
    this.qualification = new Qualification(config.qualification());
  }

  /** The default funnel of DOMAIN.md section 5. */
  public static Funnel defaults() {
    return new Funnel(FunnelConfig.defaults());
  }

  /** The calendar task deadlines are counted in. */
  public WorkingTime workingTime() {
    return workingTime;
  }

  public FunnelConfig config() {
    return config;
  }

  public List<Stage> stages() {
    return config.stages();
  }

  public Optional<Stage> stage(String code) {
    Integer at = code == null ? null : positions.get(code);
    return at == null ? Optional.empty() : Optional.of(config.stages().get(at));
  }

  /** Where new deals start («Новая заявка»). */
  public Stage firstStage() {
    return config.stages().get(0);
  }

  /** The stage a won deal goes to («Запущено в работу»). */
  public Stage wonStage() {
    return config.stages().stream().filter(Stage::won).findFirst().orElseThrow();
  }

  /** The stage lost and invalid deals go to («Отказ/отложено»). */
  public Stage closingStage() {
    return config.stages().stream().filter(Stage::closing).findFirst().orElseThrow();
  }

  /** Every field a deal must have filled to be in this stage: its own and all earlier stages'. */
  public List<String> requiredFieldsFor(String stageCode) {
    Stage target = stage(stageCode).orElseThrow(
        () -> new IllegalArgumentException("unknown stage: " + stageCode));
    Set<String> fields = new LinkedHashSet<>();
    for (Stage s : config.stages().subList(0, positions.get(target.code()) + 1)) {
      fields.addAll(s.requiredFields());
    }
    return List.copyOf(fields);
  }

  /** The task a deal gets on entering this stage at {@code enteredAt}, if the stage sets one. */
  public Optional<TaskSpec> entryTask(String stageCode, Instant enteredAt) {
    return stage(stageCode).flatMap(Stage::task).map(t -> t.at(enteredAt, workingTime));
  }

  /**
   * May the deal move to {@code toStage} now, with {@code fields} submitted along with the move
   * (they override the deal's own; a blank value empties a field)? Won and closing stages are
   * not entered by a move but by {@link #close}.
   */
  public StageMove check(DealView deal, String toStage, Map<String, String> fields, Instant now) {
    Objects.requireNonNull(deal, "deal");
    Objects.requireNonNull(now, "now");
    if (deal.status().isClosed()) {
      return refuse(FunnelRule.DEAL_CLOSED, "the deal is already " + deal.status().name().toLowerCase(java.util.Locale.ROOT)
          + "; reopen it first");
    }
    Optional<Stage> target = stage(toStage);
    if (target.isEmpty()) {
      return new StageMove.Refused(new Refusal(FunnelRule.UNKNOWN_STAGE,
          "there is no stage '" + toStage + "' in the funnel", List.of("stage")));
    }
    Stage to = target.get();
    if (to.code().equals(deal.stage())) {
      return refuse(FunnelRule.SAME_STAGE, "the deal is already in «" + to.name() + "»");
    }
    if (!to.isOpen()) {
      return refuse(FunnelRule.CLOSE_REQUIRED, "«" + to.name() + "» closes the deal: close it as "
          + (to.won() ? "won" : "lost or invalid") + " with a reason instead");
    }
    if (to.code().equals(firstStage().code())) {
      return refuse(FunnelRule.BACK_TO_FIRST_STAGE, "a deal that has been worked cannot go back to «"
          + to.name() + "»");
    }
    List<String> missing = missingFields(deal, fields, to.code());
    if (!missing.isEmpty()) {
      return new StageMove.Refused(new Refusal(FunnelRule.MISSING_FIELDS, "«" + to.name()
          + "» needs these fields filled: " + String.join(", ", missing), missing));
    }
    return new StageMove.Allowed(deal.stage(), to.code(), entryTask(to.code(), now));
  }

  /** Closes a deal as LOST, WON or INVALID with a reason code from that status's list. */
  public Closure close(DealView deal, DealStatus status, String reason, String comment, Instant now) {
    return closing.close(deal, status, reason, comment, now);
  }

  /**
   * The same close made by a rule, not a person: the exhausted callback ladder closing «не дозвонился» after its
   * last step. Every check applies except the reason's contact guard (min attempts, min silence): it guards
   * against a person closing too early, and the ladder's own steps are the attempts (seed 003 rule 1).
   */
  public Closure closeByRule(DealView deal, DealStatus status, String reason, String comment, Instant now) {
    return closing.close(deal, status, reason, comment, now, true);
  }

  /** The automatic loss of a deal silent for {@code closing.autoCloseAfter}, once it is due. */
  public Optional<Closure.Closed> autoCloseDue(DealView deal, Instant now) {
    return closing.autoCloseDue(deal, now);
  }

  /** When an open deal will close by itself if nobody reaches the customer (for the scheduler). */
  public Optional<Instant> autoCloseAt(DealView deal) {
    return closing.autoCloseAt(deal);
  }

  /** Brings a lost deal back: the same deal if lost recently, else a new deal linked to it. */
  public Reopening reopen(DealView deal, Instant now) {
    return closing.reopen(deal, now);
  }

  /** The reasons one may pick when closing with this status. */
  public List<Reason> reasonsFor(DealStatus status) {
    return switch (status) {
      case LOST -> config.lossReasons();
      case WON -> config.winReasons();
      case INVALID -> config.invalidReasons();
      case OPEN -> List.of();
    };
  }

  public Qualification qualification() {
    return qualification;
  }

  /** Required fields of the stage that are blank both in the submitted fields and on the deal. */
  List<String> missingFields(DealView deal, Map<String, String> submitted, String stageCode) {
    Map<String, String> merged = new HashMap<>(deal.fields());
    if (submitted != null) {
      merged.putAll(submitted);
    }
    List<String> missing = new ArrayList<>();
    for (String field : requiredFieldsFor(stageCode)) {
      String value = merged.get(field);
      if (value == null || value.isBlank()) {
        missing.add(field);
      }
    }
    return missing;
  }

  private static StageMove refuse(FunnelRule rule, String message) {
    return new StageMove.Refused(Refusal.of(rule, message));
  }
}
