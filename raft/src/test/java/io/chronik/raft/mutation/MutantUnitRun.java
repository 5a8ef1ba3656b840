package io.chronik.raft.mutation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The mutated module's untagged unit tests, run by Maven (offline) on a copy of the repository: the
 * root pom, the module with the bug planted (without the mutation harness, whose catalogue check
 * would see the change), its upstream modules without their tests (built in the same reactor, so the
 * copy never depends on snapshots installed elsewhere) and only the pom of every other module.
 */
final class MutantUnitRun {

  private static final long TIMEOUT_S = 900;

  private MutantUnitRun() {}

  /** "green", "red: <tests>" or "red: build failed (see <log>)". */
  static String run(MutatedModule module, Path moduleDir, PlantedBug bug, Path work)
      throws IOException, InterruptedException {
    Path root = moduleDir.getParent();
    Path repo = Files.createDirectories(work.resolve("repo"));
    copyRepository(module, root, repo);
    MutantBuild.plant(bug, repo.resolve(module.name()).resolve("src/main/java"));
    Path log = work.resolve("unit.log");
    List<String> command = new ArrayList<>(List.of("mvn", "-q", "-B", "-ntp", "-o", "test", "-f",
        repo.resolve("pom.xml").toString(), "-pl", module.name(), "-am", "-Dchronik.groups=none()",
        "-Dsurefire.failIfNoSpecifiedTests=false"));
    if (!module.unitTests().isEmpty()) {
      command.add("-Dtest=" + module.unitTests());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      return "red: timeout";
    }
    if (p.exitValue() == 0) {
      return "green";
    }
    List<String> red = redTests(module, repo.resolve(module.name()).resolve("target/surefire-reports"));
    return "red: " + (red.isEmpty() ? "build failed (see " + log + ")" : String.join(", ", red));
  }

  private static void copyRepository(MutatedModule module, Path root, Path repo) throws IOException {
    Files.copy(root.resolve("pom.xml"), repo.resolve("pom.xml"));
    List<Path> modules;
    try (Stream<Path> dirs = Files.list(root)) {
      modules = dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).toList();
    }
    for (Path dir : modules) {
      String name = dir.getFileName().toString();
      Path into = repo.resolve(name);
      if (name.equals(module.name())) {
        MutantBuild.copyTree(dir, into);
        MutantBuild.delete(into.resolve("src/test/java/io/chronik/" + name + "/mutation"));
      } else if (module.upstream().contains(name)) {
        MutantBuild.copyTree(dir, into);
        deleteTests(into.resolve("src/test/java"));
      } else {
        Files.createDirectories(into);
        Files.copy(dir.resolve("pom.xml"), into.resolve("pom.xml"));
      }
    }
  }

  /** An upstream module keeps its test support classes (its test-jar) but none of its tests. */
  private static void deleteTests(Path testSources) throws IOException {
    if (!Files.isDirectory(testSources)) {
      return;
    }
    try (Stream<Path> files = Files.walk(testSources)) {
      for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith("Test.java"))::iterator) {
        Files.delete(f);
      }
    }
  }

  private static List<String> redTests(MutatedModule module, Path reports) throws IOException {
    List<String> red = new ArrayList<>();
    if (!Files.isDirectory(reports)) {
      return red;
    }
    try (Stream<Path> files = Files.list(reports)) {
      // a test set's summary, not its captured output (which may log ERROR lines of a passing test)
      for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".txt")
          && !x.toString().endsWith("-output.txt"))::iterator) {
        String text = Files.readString(f);
        if (text.contains("<<< FAILURE!") || text.contains("<<< ERROR!")) {
          red.add(f.getFileName().toString().replace("io.chronik." + module.name() + ".", "").replace(".txt", ""));
        }
      }
    }
    return red;
  }
}
