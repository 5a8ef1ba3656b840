package io.chronik.control.run;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import io.chronik.control.scenario.ScenarioCatalog;
import io.chronik.control.scenario.ScenarioResult;
import io.chronik.control.scenario.ScenarioRun;
import io.chronik.control.scenario.ScenariosCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code chronik test}: one verified run. Without {@code --hosts}, against a broker process on this
 * machine (kill -9 / pause); with {@code --hosts lab:N} or {@code --hosts inventory:FILE}, against a
 * cluster deployed over SSH with partitions, kills and pauses. The history is checked and a report
 * written beside it. Exit code is the verdict: 0 valid, 1 invalid, 2 unknown; 3 for bad arguments or
 * a run that could not be carried out.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Run a workload against a broker (local process, lab hosts or VMs) under faults, then check the "
        + "recorded history and write a report (exit 0 valid, 1 invalid, 2 unknown, 3 error).")
public final class TestCommand implements Callable<Integer> {
  static final int EXIT_ERROR = 3;

  @Mixin RunOptions options;

  @Option(names = "--scenario", description = "Run one named scenario (a fixed fault schedule with checked claims; "
      + "chronik scenarios --list) instead of drawn faults.")
  String scenario;

  private CommandSpec spec;

  @Spec
  void describeRegistries(CommandSpec self) {
    this.spec = self;
    RunOptions.describeRegistries(self);
  }

  @Override
  public Integer call() throws Exception {
    String problem = options.problem();
    if (problem == null && options.hosts == null && ClassLoader.getSystemResource(
        LocalBroker.MAIN_CLASS.replace('.', '/') + ".class") == null) {
      problem = "class=" + LocalBroker.MAIN_CLASS + " reason=broker-not-on-class-path (run through ./chronik)";
    }
    if (problem != null) {
      System.err.println("chronik test: " + problem);
      return EXIT_ERROR;
    }
    try {
      if (scenario != null) {
        return runScenario();
      }
      return TestRunner.run(options, options.seedOr(System.nanoTime()), System.err).verdict().exitCode();
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("chronik test: " + e.getMessage());
      return EXIT_ERROR;
    }
  }

  private int runScenario() throws Exception {
    var found = ScenarioCatalog.find(scenario);
    String problem = found.isEmpty() ? "scenario=" + scenario + " reason=unknown known=" + ScenarioCatalog.names()
        : ScenariosCommand.fixedOptionGiven(spec);
    if (problem == null) {
      problem = ScenarioRun.problem(found.get(), options);
    }
    if (problem != null) {
      System.err.println("chronik test: " + problem);
      return EXIT_ERROR;
    }
    ScenarioResult result = ScenarioRun.run(found.get(), options, options.runsDirectory(),
        options.seedOr(System.nanoTime()), System.err);
    return ScenarioRun.verdictOf(result).exitCode();
  }
}
