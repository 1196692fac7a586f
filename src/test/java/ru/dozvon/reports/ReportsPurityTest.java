package ru.dozvon.reports;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The reports' rules (period, funnel conversion, heatmap, ladder, shares, CSV) are plain Java; Pg*, *Routes, *Views are the adapters. */
class ReportsPurityTest {

  @Test
  void theReportRulesUseNoVertxOrSql() {
    noClasses().that().resideInAPackage("ru.dozvon.reports")
        .and().haveNameNotMatching("ru\\.dozvon\\.reports\\.(Pg\\w*|\\w*(Routes|Views))(\\$.*)?")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.micrometer..", "java.sql..",
            "org.asteriskjava..", "ru.dozvon.deals..", "ru.dozvon.telephony..")
        .because("report rules are records in, records out (STYLE.md 1)")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ru.dozvon.reports"));
  }
}
