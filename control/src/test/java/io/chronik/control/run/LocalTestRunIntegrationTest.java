package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik test} end to end, as a user runs it: a separate JVM with the distribution's class
 * path (the broker jar is found beside this module, as the launcher finds it), a real broker process
 * killed with SIGKILL and paused with SIGSTOP, the official Kafka client, and the checker's verdict as
 * the exit code.
 */
@Tag("integration")
class LocalTestRunIntegrationTest {

  /** The repository root: control's working directory under Maven is control/. */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static String distributionClassPath() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String module : List.of("raft", "pipeline", "broker")) {
      try (Stream<Path> jars = Files.list(ROOT.resolve(module).resolve("target"))) {
        jars.filter(p -> p.getFileName().toString().matches("chronik-" + module + "-.*\\.jar"))
            .forEach(p -> entries.add(p.toString()));
      }
    }
    entries.add(ROOT.resolve("target").resolve("dist").resolve("lib") + File.separator + "*");
    entries.add(System.getProperty("java.class.path"));
    return String.join(File.pathSeparator, entries);
  }

  private record Run(int exitCode, String console, Path dir) {}

  /** Runs {@code chronik test ARGS} in its own JVM with the distribution class path. */
  private static Run chronikTest(Path runs, String... args) throws Exception {
    Path brokerTarget = ROOT.resolve("broker").resolve("target");
    boolean packaged;
    try (Stream<Path> files = Files.exists(brokerTarget) ? Files.list(brokerTarget) : Stream.empty()) {
      packaged = files.anyMatch(p -> p.getFileName().toString().matches("chronik-broker-.*\\.jar"));
    }
    assumeTrue(packaged, "broker jar not packaged yet: run through 'mvn verify' (package precedes this test)");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", distributionClassPath(),
        "io.chronik.control.cli.ChronikCommand", "test", "--runs-dir", runs.toString()));
    cmd.addAll(List.of(args));
    Path console = Files.createTempFile(runs, "console", ".txt");
    Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile()).start();
    boolean finished = run.waitFor(4, TimeUnit.MINUTES);
    if (!finished) {
      run.destroyForcibly().waitFor();
    }
    String text = Files.readString(console);
    assertThat(finished).as("run finished in time; console:%n%s", text).isTrue();
    Path runDir;
    try (Stream<Path> dirs = Files.list(runs)) {
      runDir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    return new Run(run.exitValue(), text, runDir);
  }

  @Test
  void killAndPauseRunAgainstALocalBrokerEndsValidWithAReport(@TempDir Path runs) throws Exception {
    Run run = chronikTest(runs, "--time", "15", "--seed", "42");
    assertThat(run.exitCode()).as("exit code is the verdict (0 valid); console:%n%s", run.console()).isZero();
    Path runDir = run.dir();
    String console = run.console();
    String history = Files.readString(runDir.resolve("history.edn"));
    assertThat(history).containsPattern(":type :ok :process \\d+ :f :send")
        .containsPattern(":type :ok :process \\d+ :f :poll");
    long faultsStarted = history.lines().filter(l -> l.matches(".*:type :info .*:f :start-(kill|pause) .*")).count();
    long faultsHealed = history.lines().filter(l -> l.matches(".*:type :info .*:f :stop-(kill|pause) .*")).count();
    assertThat(faultsStarted).as("the nemesis injected faults").isPositive();
    assertThat(faultsHealed).as("every fault was healed").isEqualTo(faultsStarted);
    assertThat(console).contains("final reads reached every end offset").contains("VALID");
    assertThat(runDir.resolve("report.html")).isNotEmptyFile();
    assertThat(runDir.resolve("results.edn")).isNotEmptyFile();
    assertThat(runDir.resolve("n1.log")).isNotEmptyFile();
  }

  /** The checker must bite end to end: wiping the broker's data loses acknowledged writes. */
  @Test
  void wipingTheBrokersDataIsReportedAsLoss(@TempDir Path runs) throws Exception {
    Run run = chronikTest(runs, "--time", "12", "--seed", "5", "--faults", "wipe");
    assertThat(run.exitCode()).as("exit code 1 (invalid); console:%n%s", run.console()).isEqualTo(1);
    assertThat(run.console()).contains("INVALID");
    assertThat(run.console()).as("a loss anomaly is named")
        .containsAnyOf("lost-write", "inconsistent-offsets", "unseen");
    assertThat(Files.readString(run.dir().resolve("results.edn"))).contains(":valid? false");
  }
}
