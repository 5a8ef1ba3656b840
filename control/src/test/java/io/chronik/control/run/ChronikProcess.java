package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.lab.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code chronik <command> ARGS} as a user does: its own JVM with the distribution's class path
 * (the module jars beside this module and target/dist/lib, as the launcher builds it), so the broker
 * is a separate process started by main-class name and shipped to hosts as jars.
 */
public final class ChronikProcess {
  /** The repository root: control's working directory under Maven is control/. */
  public static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  public record Run(int exitCode, String console, Path dir) {}

  private ChronikProcess() {}

  /** Skips the calling test unless the broker jar is packaged (mvn verify packages before integration tests). */
  public static void assumePackaged() throws IOException {
    Path brokerTarget = ROOT.resolve("broker").resolve("target");
    boolean packaged;
    try (Stream<Path> files = Files.exists(brokerTarget) ? Files.list(brokerTarget) : Stream.empty()) {
      packaged = files.anyMatch(p -> p.getFileName().toString().matches("chronik-broker-.*\\.jar"));
    }
    Prerequisites.require(packaged, "broker jar not packaged yet: run through 'mvn verify' (package precedes this test)");
  }

  public static String distributionClassPath() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String module : List.of("raft", "pipeline", "broker", "verifier")) {
      try (Stream<Path> jars = Files.list(ROOT.resolve(module).resolve("target"))) {
        jars.filter(p -> p.getFileName().toString().matches("chronik-" + module + "-[^-]*(-SNAPSHOT)?\\.jar"))
            .forEach(p -> entries.add(p.toString()));
      }
    }
    entries.add(ROOT.resolve("target").resolve("dist").resolve("lib") + File.separator + "*");
    entries.add(System.getProperty("java.class.path"));
    return String.join(File.pathSeparator, entries);
  }

  /** Runs {@code chronik <command> --runs-dir runs ARGS}; the run folder is the first directory in {@code runs}. */
  public static Run run(Path runs, Duration limit, String command, String... args) throws Exception {
    return run(runs, limit, handle -> { }, command, args);
  }

  /** As above; {@code started} is given the chronik process as soon as it runs (to watch it from outside). */
  public static Run run(Path runs, Duration limit, java.util.function.Consumer<ProcessHandle> started, String command,
      String... args) throws Exception {
    assumePackaged();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", distributionClassPath(),
        "io.chronik.control.cli.ChronikCommand", command, "--runs-dir", runs.toString()));
    cmd.addAll(List.of(args));
    Path console = Files.createTempFile(runs, "console", ".txt");
    Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile()).start();
    started.accept(run.toHandle());
    boolean finished = run.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
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
}
