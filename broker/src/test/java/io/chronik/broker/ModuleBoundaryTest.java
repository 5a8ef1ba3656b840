package io.chronik.broker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** broker depends on pipeline and raft; nothing imports control */
class ModuleBoundaryTest {

  static final ArchRule DEPENDENCY_DIRECTION = noClasses().that().resideInAPackage("io.chronik.broker..")
      .should().dependOnClassesThat().resideInAnyPackage("io.chronik.control..", "io.chronik.verifier..")
      .because("broker depends on pipeline and raft; nothing imports control");

  @Test
  void brokerKeepsTheDependencyDirection() {
    DEPENDENCY_DIRECTION.check(new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.chronik.broker"));
  }
}
