package io.chronik.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.chronik.raft.boundaryfixture.ImpureCore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The raft module imports only the JDK, and its consensus core is a pure state machine: no threads,
 * clocks, sockets, unseeded randomness, logging or static mutable state. Durable storage
 * ({@code io.chronik.raft.storage..}) may use files and is exempt from the purity rules only.
 */
class ModuleBoundaryTest {

  static final String CORE = "io.chronik.raft..";
  static final String STORAGE = "io.chronik.raft.storage..";

  static final ArchRule ONLY_JDK = classes().that().resideInAPackage(CORE)
      .should().onlyDependOnClassesThat().resideInAnyPackage("java..", CORE)
      .because("raft imports only the JDK");

  static final ArchRule NO_CLOCKS_OR_UNSEEDED_RANDOMNESS = noClasses()
      .that().resideInAPackage(CORE).and().resideOutsideOfPackage(STORAGE)
      .should().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .orShould().callMethod(Instant.class, "now")
      .orShould().callMethod(LocalDateTime.class, "now")
      .orShould().callMethod(Math.class, "random")
      .orShould().callConstructor(Random.class)
      .orShould().dependOnClassesThat().belongToAnyOf(
          Thread.class, ThreadLocalRandom.class, SecureRandom.class, Clock.class)
      .because("the core counts time in ticks and draws randomness from an injected seeded source");

  static final ArchRule NO_IO_THREADS_OR_LOGGING = noClasses()
      .that().resideInAPackage(CORE).and().resideOutsideOfPackage(STORAGE)
      .should().dependOnClassesThat().resideInAnyPackage(
          "java.net..", "java.nio.channels..", "java.nio.file..", "java.io..",
          "java.util.concurrent..", "java.util.logging..")
      .orShould().accessField(System.class, "out")
      .orShould().accessField(System.class, "err")
      .because("the core is driven by step/tick/advance and reports through Ready, never by side effects");

  static final ArchRule NO_STATIC_MUTABLE_STATE = fields()
      .that().areDeclaredInClassesThat().resideInAPackage(CORE)
      .and().areDeclaredInClassesThat().resideOutsideOfPackage(STORAGE)
      .and().areStatic()
      .should().beFinal()
      .because("static mutable state would leak between simulated nodes and break seed replay");

  /**
   * One writer per piece of state (etcd: only {@code become*} write role, term, vote, lead): the node's
   * fields are private, so Elections, Following, Leadership and Replicator change them only through RaftNode's methods.
   */
  static ArchRule stateHasOneWriter(String className) {
    return fields().that().areDeclaredIn(className).and().areNotStatic()
        .should().bePrivate()
        .because("only RaftNode's own methods (become*, grantVote, heardFromLeader) write role, term, vote, lead");
  }

  static final ArchRule[] RULES = {
    ONLY_JDK, NO_CLOCKS_OR_UNSEEDED_RANDOMNESS, NO_IO_THREADS_OR_LOGGING, NO_STATIC_MUTABLE_STATE
  };

  static JavaClasses mainClasses() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.chronik.raft");
  }

  @Test
  void raftMainCodeKeepsEveryRule() {
    JavaClasses classes = mainClasses();
    for (ArchRule rule : RULES) {
      rule.check(classes);
    }
    stateHasOneWriter("io.chronik.raft.node.RaftNode").check(classes);
  }

  @Test
  void oneWriterRuleCatchesAFieldOthersCouldAssign() {
    JavaClasses bad = new ClassFileImporter().importClasses(ImpureCore.class);
    assertThat(stateHasOneWriter(ImpureCore.class.getName()).evaluate(bad).hasViolation()).isTrue();
  }

  @Test
  void everyRuleCatchesAForbiddenUseInADeliberatelyBadClass() {
    JavaClasses bad = new ClassFileImporter().importClasses(ImpureCore.class);
    for (ArchRule rule : RULES) {
      assertThat(rule.evaluate(bad).hasViolation())
          .as("rule should reject ImpureCore: %s", rule.getDescription())
          .isTrue();
    }
  }
}
