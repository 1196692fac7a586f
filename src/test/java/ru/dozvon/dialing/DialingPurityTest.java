package ru.dozvon.dialing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The retry rules stay plain Java (STYLE 1): no Vert.x, SQL or Asterisk-Java outside the package's
 * adapters (Pg*, *Routes, *Verticle, the listener, the scheduler and the wiring), and the rules
 * never use those adapters.
 */
class DialingPurityTest {

  private static final JavaClasses DIALING = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("ru.dozvon.dialing");

  private static final Set<String> ADAPTERS = Set.of("DialingListener", "AttemptScheduler", "Dialing", "ClickToCall",
      "Dialer");

  /** By the top-level class name, so nested records and lambdas of an adapter count as the adapter. */
  private static final DescribedPredicate<JavaClass> ADAPTER = DescribedPredicate.describe("an adapter", c -> {
    if (!c.getPackageName().equals("ru.dozvon.dialing")) {
      return false;
    }
    String top = c.getName().substring(c.getName().lastIndexOf('.') + 1).replaceAll("\\$.*", "");
    return top.startsWith("Pg") || top.endsWith("Routes") || top.endsWith("Verticle") || ADAPTERS.contains(top);
  });

  @Test
  void rulesUseNoAdapters() {
    noClasses().that(not(ADAPTER)).should().dependOnClassesThat(ADAPTER).check(DIALING);
  }

  @Test
  void pureRulesUseNoIoLibraries() {
    noClasses().that(not(ADAPTER)).should().dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.micrometer..", "org.asteriskjava..", "java.sql..", "javax.sql..", "org.postgresql..")
        .check(DIALING);
  }
}
