package io.chronik.verifier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** verifier imports none of our modules, so any tool can re-check a history */
class ModuleBoundaryTest {

  static final ArchRule DEPENDENCY_DIRECTION = noClasses().that().resideInAPackage("io.chronik.verifier..")
      .should().dependOnClassesThat().resideInAnyPackage("io.chronik.raft..", "io.chronik.pipeline..", "io.chronik.broker..", "io.chronik.control..")
      .because("verifier imports none of our modules, so any tool can re-check a history");

  @Test
  void verifierKeepsTheDependencyDirection() {
    DEPENDENCY_DIRECTION.check(new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.chronik.verifier"));
  }
}
