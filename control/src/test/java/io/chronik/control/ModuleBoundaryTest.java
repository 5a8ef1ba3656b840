package io.chronik.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** control treats the broker as a black box over the network and SSH */
class ModuleBoundaryTest {

  static final ArchRule DEPENDENCY_DIRECTION = noClasses().that().resideInAPackage("io.chronik.control..")
      .should().dependOnClassesThat().resideInAnyPackage("io.chronik.raft..", "io.chronik.pipeline..", "io.chronik.broker..")
      .because("control treats the broker as a black box over the network and SSH");

  @Test
  void controlKeepsTheDependencyDirection() {
    DEPENDENCY_DIRECTION.check(new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.chronik.control"));
  }
}
