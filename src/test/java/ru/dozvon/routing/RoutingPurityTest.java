package ru.dozvon.routing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The routing rules stay plain Java. The adapters that share the package are named for what they are
 * (Pg*, *Repository, *Verticle, *Routes, *Listener; their nested classes too) and are the only exceptions.
 */
class RoutingPurityTest {

  @Test
  void theRoutingCoreUsesNoVertxSqlOrAsterisk() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("ru.dozvon.routing");

    noClasses().that().resideInAPackage("ru.dozvon.routing")
        .and().haveNameNotMatching("ru\\.dozvon\\.routing\\.(Pg\\w*|\\w*(Verticle|Repository|Routes|Listener))(\\$.*)?")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.micrometer..", "java.sql..", "org.asteriskjava..")
        .because("routing rules are records in, records out (STYLE.md 1)")
        .check(classes);
  }
}
