package io.chronik.control.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.nemesis.FaultPlan;
import io.chronik.control.nemesis.FaultRegistry;
import io.chronik.control.nemesis.Site;
import io.chronik.control.run.TestCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class ScenarioCatalogTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");

  static List<String> names() {
    return ScenarioCatalog.names();
  }

  @Test
  void theSeedProjectsScenariosAreEachDeclaredOnce() {
    assertThat(ScenarioCatalog.names()).doesNotHaveDuplicates().contains("leader-failure", "minority-partition",
        "split-brain", "partition-consistency", "cascading", "graceful-rejoin", "crash-recovery",
        "stale-node-catch-up", "rolling-restart", "concurrent-failures", "partition", "packet-loss-20", "latency-100ms",
        "slow-close");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void everyScenarioIsBuiltFromRegisteredFaultsAndRunsOnThreeLabHosts(String name) {
    Scenario s = ScenarioCatalog.find(name).orElseThrow();
    assertThat(s.help()).isNotBlank();
    assertThat(s.faults()).isNotEmpty().allSatisfy(f -> assertThat(FaultRegistry.find(f)).isPresent());
    assertThat(s.problem(3, Site.LAB)).isNull();
    assertThat(s.checks()).as("claims beyond a valid run").isNotEmpty();
    List<FaultPlan.Step> plan = s.plan(7, THREE);
    assertThat(plan).hasSize(s.steps().size());
    for (int i = 0; i < plan.size(); i++) {
      FaultPlan.Step step = plan.get(i);
      assertThat(step.fault().name()).isEqualTo(s.steps().get(i).fault());
      assertThat(step.healMillis()).isGreaterThan(step.startMillis()).isLessThanOrEqualTo(s.timeSeconds() * 1000L);
      assertThat(step.injection().targets()).isSubsetOf(THREE);
    }
    assertThat(s.plan(7, THREE)).as("the same seed, the same schedule").isEqualTo(plan);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void chronikTestScenarioParsesForEveryScenario(String name) {
    CommandLine cli = new CommandLine(new TestCommand());
    cli.parseArgs("--scenario", name, "--hosts", "lab:3", "--seed", "1");
    assertThat(cli.getParseResult().matchedOptionValue("--scenario", "")).isEqualTo(name);
  }

  @Test
  void fixedTargetsAreNodePositionsAndTwoKillsOverlap() {
    List<FaultPlan.Step> plan = ScenarioCatalog.find("concurrent-failures").orElseThrow().plan(1, THREE);
    assertThat(plan.get(0).injection().targets()).containsExactly("n1");
    assertThat(plan.get(1).injection().targets()).containsExactly("n2");
    assertThat(plan.get(1).startMillis()).isLessThan(plan.get(0).healMillis());
    assertThat(plan.get(1).healMillis()).as("n2 back while n1 is still down").isLessThan(plan.get(0).healMillis());
    assertThat(ScenarioCatalog.find("stale-node-catch-up").orElseThrow().plan(1, THREE).get(0).injection().targets())
        .containsExactly("n3");
  }

  @Test
  void aStepOfAnExclusiveFaultMayNotOverlapAnotherAndFixedTargetsKeepTheClusterAsArrangement() {
    Scenario overlapping = new Scenario("two-losses", "test", "help", 30, List.of(),
        List.of(Scenario.Step.of(2, 6, "disk-loss", 0), Scenario.Step.of(5, 3, "kill", 1)), List.of());
    assertThat(overlapping.problem(3, Site.LAB)).isEqualTo("scenario=two-losses fault=disk-loss at-ms=2000 overlaps=kill"
        + " at-ms=5000 reason=exclusive-fault-overlaps-another-step");
    Scenario following = new Scenario("loss-then-kill", "test", "help", 30, List.of(),
        List.of(Scenario.Step.of(2, 6, "disk-loss", 0), Scenario.Step.of(8, 3, "kill", 1)), List.of());
    assertThat(following.problem(3, Site.LAB)).isNull();
    FaultPlan.Step loss = following.plan(1, THREE).get(0);
    assertThat(loss.injection().targets()).containsExactly("n1");
    assertThat(loss.injection().arrangement()).as("the nodes disk-loss waits on").isEqualTo(THREE);
  }

  @Test
  void aScenarioRefusesWhereItsFaultsCannotRun() {
    assertThat(ScenarioCatalog.find("minority-partition").orElseThrow().problem(3, Site.LOCAL))
        .contains("scenario=minority-partition").contains("fault=partition").contains("reason=not-available-here");
    assertThat(ScenarioCatalog.find("crash-recovery").orElseThrow().problem(3, Site.VMS))
        .contains("fault=lose-unsynced");
    assertThat(ScenarioCatalog.find("concurrent-failures").orElseThrow().problem(1, Site.LAB))
        .contains("reason=target-outside-cluster");
  }

  @Test
  void theCommandsRefuseWhatAScenarioFixesAndUnknownNames() {
    assertThat(exit(new TestCommand(), "--scenario", "cascading", "--hosts", "lab:3", "--faults", "kill"))
        .isEqualTo(3);
    assertThat(exit(new TestCommand(), "--scenario", "no-such", "--hosts", "lab:3")).isEqualTo(3);
    assertThat(exit(new ScenariosCommand(), "--only", "no-such", "--hosts", "lab:3")).isEqualTo(3);
    assertThat(exit(new ScenariosCommand(), "--time", "40", "--hosts", "lab:3")).isEqualTo(3);
    StringWriter help = new StringWriter();
    new CommandLine(new ScenariosCommand()).setOut(new PrintWriter(help)).execute("--help");
    assertThat(help.toString()).contains("leader-failure").contains("packet-loss-20");
  }

  private static int exit(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(new StringWriter()));
    return cli.execute(args);
  }
}
