package io.chronik.pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** pipeline depends on raft only; nothing imports broker or control */
class ModuleBoundaryTest {

  static final ArchRule DEPENDENCY_DIRECTION = noClasses().that().resideInAPackage("io.chronik.pipeline..")
      .should().dependOnClassesThat().resideInAnyPackage("io.chronik.broker..", "io.chronik.control..", "io.chronik.verifier..")
      .because("pipeline depends on raft only; nothing imports broker or control");

  @Test
  void pipelineKeepsTheDependencyDirection() {
    DEPENDENCY_DIRECTION.check(new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.chronik.pipeline"));
  }
}
