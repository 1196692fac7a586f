package ru.dozvon.dialing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The retry rules stay plain Java (STYLE 1): no Vert.x, SQL or Asterisk-Java in this package. */
class DialingPurityTest {

  private static final JavaClasses DIALING = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("ru.dozvon.dialing");

  @Test
  void pureRulesUseNoIoLibraries() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "org.asteriskjava..", "java.sql..", "javax.sql..", "org.postgresql..")
        .check(DIALING);
  }
}
