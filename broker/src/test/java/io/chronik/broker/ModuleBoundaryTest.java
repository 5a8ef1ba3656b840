package io.chronik.broker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** broker depends on pipeline and raft; nothing imports control */
class ModuleBoundaryTest {

  static final ArchRule DEPENDENCY_DIRECTION = noClasses().that().resideInAPackage("io.chronik.broker..")
      .should().dependOnClassesThat().resideInAnyPackage("io.chronik.control..", "io.chronik.verifier..")
      .because("broker depends on pipeline and raft; nothing imports control");

  /** A class built whole: what others can reach is final, so nothing outside writes it after construction. */
  static ArchRule builtWhole(String className) {
    return fields().that().areDeclaredIn(className).and().areNotStatic().and().areNotPrivate()
        .should().beFinal()
        .because("BrokerState is built whole (no attach): late parts have their own owners");
  }

  /** Deliberately attached half-way, as BrokerState once was. */
  static final class AttachedLater {
    Object replication;

    void attach(Object node) {
      this.replication = node;
    }
  }

  @Test
  void brokerKeepsTheDependencyDirection() {
    DEPENDENCY_DIRECTION.check(new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.chronik.broker"));
  }

  @Test
  void brokerStateIsBuiltWhole() {
    builtWhole("io.chronik.broker.api.BrokerState").check(new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.chronik.broker.api"));
  }

  @Test
  void builtWholeRuleCatchesAFieldAttachedLater() {
    assertThat(builtWhole(AttachedLater.class.getName())
        .evaluate(new ClassFileImporter().importClasses(AttachedLater.class)).hasViolation()).isTrue();
  }
}
