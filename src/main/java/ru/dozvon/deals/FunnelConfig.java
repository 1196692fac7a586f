package ru.dozvon.deals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The funnel's settings: stages in order, the three reason lists, closing limits and qualification.
 * Read once from the {@code funnel} section of the YAML config ({@link #fromMap(Map)}); the
 * default is the Axelerator funnel of DOMAIN.md section 5 ({@link #defaults()}).
 */
public record FunnelConfig(List<Stage> stages, List<Reason> lossReasons, List<Reason> winReasons,
    List<Reason> invalidReasons, ClosingPolicy closing, QualificationConfig qualification,
    AfterContactConfig afterContact, FollowUps followUps) {

  /** Without after-contact settings and cadences: their defaults. */
  public FunnelConfig(List<Stage> stages, List<Reason> lossReasons, List<Reason> winReasons,
      List<Reason> invalidReasons, ClosingPolicy closing, QualificationConfig qualification) {
    this(stages, lossReasons, winReasons, invalidReasons, closing, qualification, AfterContactConfig.defaults(),
        FollowUps.DEFAULT);
  }

  /** With after-contact settings and the default cadences. */
  public FunnelConfig(List<Stage> stages, List<Reason> lossReasons, List<Reason> winReasons,
      List<Reason> invalidReasons, ClosingPolicy closing, QualificationConfig qualification,
      AfterContactConfig afterContact) {
    this(stages, lossReasons, winReasons, invalidReasons, closing, qualification, afterContact, FollowUps.DEFAULT);
  }

  /** With cadences and the default after-contact settings. */
  public FunnelConfig(List<Stage> stages, List<Reason> lossReasons, List<Reason> winReasons,
      List<Reason> invalidReasons, ClosingPolicy closing, QualificationConfig qualification, FollowUps followUps) {
    this(stages, lossReasons, winReasons, invalidReasons, closing, qualification, AfterContactConfig.defaults(),
        followUps);
  }

  public FunnelConfig {
    Objects.requireNonNull(followUps, "followUps");
    stages = List.copyOf(stages);
    lossReasons = List.copyOf(lossReasons);
    winReasons = List.copyOf(winReasons);
    invalidReasons = List.copyOf(invalidReasons);
    Objects.requireNonNull(closing, "closing");
    Objects.requireNonNull(qualification, "qualification");
    Objects.requireNonNull(afterContact, "afterContact");
    checkStages(stages);
    checkReasons("funnel.loss_reasons", lossReasons, true);
    checkReasons("funnel.win_reasons", winReasons, false);
    checkReasons("funnel.invalid_reasons", invalidReasons, false);
    if (lossReasons.stream().noneMatch(r -> r.code().equals(closing.autoCloseReason()))) {
      throw new IllegalArgumentException("funnel.closing.auto_close_reason: '" + closing.autoCloseReason()
          + "' is not a loss reason (expected one of the funnel.loss_reasons codes)");
    }
    String offerStage = followUps.offerStage();
    if (!offerStage.isEmpty() && stages.stream().noneMatch(s -> s.code().equals(offerStage) && s.isOpen())) {
      throw new IllegalArgumentException("funnel.follow_ups.offer.stage: '" + offerStage
          + "' is not an open stage (expected the code of the stage that means the offer was sent, or '')");
    }
    if (stages.stream().noneMatch(s -> s.code().equals(closing.reopenStage()) && s.isOpen())) {
      throw new IllegalArgumentException("funnel.closing.reopen_stage: '" + closing.reopenStage()
          + "' is not an open stage (expected the code of a stage that is neither won nor closing)");
    }
  }

  /** Parses the {@code funnel} section as snakeyaml-engine loads it; errors name the key path. */
  public static FunnelConfig fromMap(Map<String, Object> section) {
    return FunnelConfigParser.parse(section);
  }

  private static void checkStages(List<Stage> stages) {
    if (stages.size() < 3) {
      throw new IllegalArgumentException("funnel.stages: " + stages.size()
          + " stages (expected at least 3: a first stage, a won stage and a closing stage)");
    }
    var codes = new HashSet<String>();
    for (int i = 0; i < stages.size(); i++) {
      if (!codes.add(stages.get(i).code())) {
        throw new IllegalArgumentException("funnel.stages[" + i + "].code: '" + stages.get(i).code()
            + "' appears twice (expected unique stage codes)");
      }
    }
    if (!stages.get(0).isOpen()) {
      throw new IllegalArgumentException("funnel.stages[0]: '" + stages.get(0).code()
          + "' is won or closing (expected the first stage to be where new deals start)");
    }
    if (stages.stream().filter(Stage::won).count() != 1) {
      throw new IllegalArgumentException("funnel.stages: " + stages.stream().filter(Stage::won).count()
          + " stages with won: true (expected exactly 1)");
    }
    if (stages.stream().filter(Stage::closing).count() != 1) {
      throw new IllegalArgumentException("funnel.stages: "
          + stages.stream().filter(Stage::closing).count() + " stages with closing: true (expected exactly 1)");
    }
  }

  private static void checkReasons(String path, List<Reason> reasons, boolean guardsAllowed) {
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException(path + ": empty (expected at least one reason)");
    }
    var codes = new HashSet<String>();
    for (int i = 0; i < reasons.size(); i++) {
      Reason r = reasons.get(i);
      if (!codes.add(r.code())) {
        throw new IllegalArgumentException(path + "[" + i + "].code: '" + r.code()
            + "' appears twice (expected unique reason codes)");
      }
      if (!guardsAllowed && r.guard().isPresent()) {
        throw new IllegalArgumentException(path + "[" + i + "]: '" + r.code()
            + "' has min_attempts/min_silence (expected those on loss reasons only)");
      }
    }
  }

  /** The default funnel: DOMAIN.md section 5, seeds 002 and 003. */
  public static FunnelConfig defaults() {
    List<Stage> stages = List.of(
        Stage.open("new", "Новая заявка", List.of(), null),
        Stage.open("in_work", "Взята в работу", List.of("platform"),
            new StageTask("Связаться и квалифицировать", Duration.ofMinutes(30))),
        Stage.open("qualified", "Квалифицирован", List.of("niche", "source"),
            new StageTask("Подготовить и отправить КП", Duration.ofHours(4))),
        Stage.open("offer_sent", "Отправлено КП", List.of("budget"),
            new StageTask("Отработать возражения", Duration.ofDays(1))),
        Stage.open("attempts_2plus", "2 попытки и более", List.of(), null),
        Stage.open("start_agreed", "Согласован старт", List.of(),
            new StageTask("Договор и счёт", Duration.ofDays(1))),
        Stage.open("contract_sent", "Выставлен договор/счет", List.of("contract"), null),
        new Stage("launched", "Запущено в работу", List.of(), Optional.empty(), true, false),
        new Stage("lost", "Отказ/отложено", List.of(), Optional.empty(), false, true));
    List<Reason> loss = List.of(
        // By hand like «не отвечает» (seed 003 §9.5); the ladder's own close is a rule's and skips it.
        new Reason("could_not_reach", "не дозвонился",
            Optional.of(new ContactGuard(3, Duration.ofDays(21)))),
        new Reason("no_answer", "не отвечает",
            Optional.of(new ContactGuard(3, Duration.ofDays(21)))),
        Reason.of("too_expensive", "дорого"),
        Reason.of("chose_competitor", "выбрали конкурента"),
        Reason.of("no_need", "нет потребности"),
        Reason.of("postponed", "отложено"),
        Reason.of("other", "другое"));
    List<Reason> win = List.of(
        Reason.of("price", "устроила цена"),
        Reason.of("expertise", "экспертиза и кейсы"),
        Reason.of("speed", "быстро ответили и запустили"),
        Reason.of("recommendation", "по рекомендации"),
        Reason.of("manager", "понравилась работа менеджера"),
        Reason.of("other", "другое"));
    List<Reason> invalid = List.of(
        Reason.of("wrong_number", "неверный номер"),
        Reason.of("duplicate", "дубль"),
        Reason.of("not_real_customer", "ненастоящий клиент"),
        Reason.of("test", "тест"),
        Reason.of("spam", "спам"));
    ClosingPolicy closing = new ClosingPolicy(Duration.ofDays(56), "no_answer",
        "Проконтролировать закрытие сделки", Duration.ofDays(1), Duration.ofDays(30), "in_work", true);
    QualificationConfig qualification = new QualificationConfig(List.of(
        new Criterion("icp_fit", "Соответствие портрету клиента"),
        new Criterion("readiness", "Готовность купить"),
        new Criterion("need", "Реальная потребность"),
        new Criterion("channel", "Канал обращения")), 16, 11, Priority.GREEN);
    return new FunnelConfig(stages, loss, win, invalid, closing, qualification);
  }
}
