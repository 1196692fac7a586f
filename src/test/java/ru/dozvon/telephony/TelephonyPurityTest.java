package ru.dozvon.telephony;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The correlation core stays pure: no Asterisk-Java outside the mapper, no Vert.x, no SQL. */
class TelephonyPurityTest {

  private final JavaClasses classes = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("ru.dozvon.telephony");

  @Test
  void correlationCoreKnowsNoLibraryTypes() {
    noClasses().that().haveSimpleNameStartingWith("Call")
        .or().haveSimpleNameStartingWith("TelephonyEvent")
        .or().haveSimpleNameStartingWith("TrackerSettings")
        .or().haveSimpleNameStartingWith("ChannelNames")
        .or().haveSimpleNameStartingWith("PhoneStates")
        .or().haveSimpleNameStartingWith("OperatorDevices")
        .should().dependOnClassesThat().resideInAnyPackage("org.asteriskjava..", "io.vertx..", "java.sql..")
        .check(classes);
  }
}
