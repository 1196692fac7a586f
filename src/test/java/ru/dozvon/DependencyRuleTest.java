package ru.dozvon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one dependency rule of the house (STYLE 15; buckpal's {@code DependencyRuleTests} is the model): feature
 * packages form no cycle, each library stays in its one package, the shared vocabulary packages are pure, and
 * only the deals feature writes its tables. Each package's own purity test ({@code *PurityTest}) keeps its pure
 * core free of Vert.x, SQL and Micrometer.
 */
class DependencyRuleTest {

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("ru.dozvon");

  @Test
  void featurePackagesFormNoCycle() {
    slices().matching("ru.dozvon.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void asteriskJavaOnlyInTelephony() {
    noClasses().that().resideOutsideOfPackage("ru.dozvon.telephony..")
        .should().dependOnClassesThat().resideInAPackage("org.asteriskjava..").check(MAIN);
  }

  @Test
  void micrometerOnlyInMetricsTheAmiLinkAndTheWiring() {
    noClasses().that().resideOutsideOfPackages("ru.dozvon.metrics..", "ru.dozvon.web..", "ru.dozvon.telephony..")
        .and().doNotHaveFullyQualifiedName(App.class.getName())
        .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..").check(MAIN);
  }

  @Test
  void vocabularyPackagesArePure() {
    noClasses().that().resideInAnyPackage("ru.dozvon.call..", "ru.dozvon.phone..", "ru.dozvon.errors..",
            "ru.dozvon.time..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.micrometer..", "org.asteriskjava..",
            "java.sql..", "javax.sql..", "org.postgresql..", "ru.dozvon.deals..", "ru.dozvon.telephony..")
        .check(MAIN);
  }

  /** The simulated PBX stands alone: a PBX knows nothing of the service it serves (only the time vocabulary). */
  @Test
  void theSimulatedPbxDependsOnNoFeature() {
    noClasses().that().resideInAPackage("ru.dozvon.simpbx..")
        .should().dependOnClassesThat(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("ru.dozvon..")
            .and(com.tngtech.archunit.base.DescribedPredicate.not(com.tngtech.archunit.core.domain.JavaClass.Predicates
                .resideInAnyPackage("ru.dozvon.simpbx..", "ru.dozvon.time.."))))
        .check(MAIN);
  }

  /** SQL that writes one of the deals feature's tables: {@code INSERT INTO deals}, {@code UPDATE tasks}... */
  static final Pattern WRITES_DEAL_TABLES = Pattern.compile(
      "(?i)\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(deals|tasks|deal_history|routing_pending)\\b");

  @Test
  void onlyDealsWritesItsTables() {
    assertThat(writersOutsideDeals(Path.of("src/main/java/ru/dozvon")))
        .as("SQL writing deals, tasks, deal_history or routing_pending outside ru.dozvon.deals (call the deals feature instead)")
        .isEmpty();
  }

  @Test
  void theTableRuleCanFail() {
    assertThat(WRITES_DEAL_TABLES.matcher("WITH d AS (UPDATE deals SET manager_id = $2").find()).isTrue();
    assertThat(WRITES_DEAL_TABLES.matcher("insert into tasks (deal_id) values ($1)").find()).isTrue();
    assertThat(WRITES_DEAL_TABLES.matcher("DELETE FROM routing_pending WHERE deal_id = $1").find()).isTrue();
    assertThat(WRITES_DEAL_TABLES.matcher("UPDATE attempts SET state = 'FIRED'").find()).isFalse();
    assertThat(WRITES_DEAL_TABLES.matcher("INSERT INTO deal_historyx").find()).isFalse();
  }

  /** Any SQL that writes: reports and the live figures only read the tables other features own. */
  static final Pattern WRITES_ANY_TABLE = Pattern.compile(
      "(?i)\\b(INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM|TRUNCATE|ALTER\\s+TABLE)\\b");

  @Test
  void reportsAndLiveFiguresWriteNoTable() {
    List<String> found = new ArrayList<>();
    for (String pkg : List.of("reports", "live/PgLiveSnapshot.java")) {
      Path root = Path.of("src/main/java/ru/dozvon", pkg);
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = WRITES_ANY_TABLE.matcher(Files.readString(f));
          while (m.find()) {
            found.add(f + ": " + m.group());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(found).as("reports read other features' tables and write none").isEmpty();
    assertThat(WRITES_ANY_TABLE.matcher("UPDATE deals SET x = 1").find()).isTrue();
    assertThat(WRITES_ANY_TABLE.matcher("SELECT updated_at FROM deals").find()).isFalse();
  }

  static List<String> writersOutsideDeals(Path root) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (f.startsWith(root.resolve("deals"))) {
          continue;
        }
        String text = Files.readString(f);
        Matcher m = WRITES_DEAL_TABLES.matcher(text);
        while (m.find()) {
          found.add(root.relativize(f) + ": " + m.group());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }
}
