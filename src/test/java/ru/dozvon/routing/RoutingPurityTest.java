package ru.dozvon.routing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The routing rules stay plain Java; adapters (verticles, repositories, routes) may join the package later. */
class RoutingPurityTest {

  @Test
  void theRoutingCoreUsesNoVertxSqlOrAsterisk() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("ru.dozvon.routing");

    noClasses().that().resideInAPackage("ru.dozvon.routing")
        .and().haveSimpleNameNotEndingWith("Verticle")
        .and().haveSimpleNameNotEndingWith("Repository")
        .and().haveSimpleNameNotEndingWith("Routes")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "java.sql..", "org.asteriskjava..")
        .because("routing rules are records in, records out (STYLE.md 1)")
        .check(classes);
  }
}
