package ru.dozvon.deals;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The funnel rules stay plain Java: no Vert.x, no SQL, no Asterisk-Java, no wall clock. */
class FunnelPurityTest {

  private static final Class<?>[] PURE = {
      Funnel.class, DealClosing.class, FunnelConfig.class, FunnelConfigParser.class, ConfigValues.class,
      Stage.class, StageTask.class, Reason.class, ContactGuard.class, ClosingPolicy.class,
      QualificationConfig.class, Qualification.class, Criterion.class, Priority.class, SpeedToLead.class,
      DealView.class, DealStatus.class, StageMove.class, Closure.class, Reopening.class, Refusal.class,
      FunnelRule.class, FunnelRuleViolation.class, InvalidScoreException.class, TaskSpec.class, Tasks.class,
      TaskKind.class, AssigneeRole.class, AfterContactConfig.class, AfterContactConfigParser.class, NextSteps.class,
      DateTasks.class};

  private final JavaClasses classes = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("ru.dozvon.deals");

  @Test
  void funnelRulesDependOnNoInfrastructure() {
    noClasses().that().belongToAnyOf(PURE)
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.micrometer..", "java.sql..", "org.asteriskjava..",
            "io.micrometer..", "org.snakeyaml..")
        .check(classes);
  }

  @Test
  void funnelRulesNeverReadTheWallClock() {
    noClasses().that().belongToAnyOf(PURE)
        .should().callMethod(java.time.Instant.class, "now")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .check(classes);
  }
}
