package io.chronik.raft.mutation;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * For each planted bug: a copy of the sources with the bug, (optionally) the module's untagged unit
 * tests run by Maven on that copy, and the ordinary swarm simulation hunting it in a child JVM until
 * its first failing seed or the budget. The repository is never modified.
 */
final class MutationCampaign {

  /** One bug's outcome; {@code unitTests} is "green", "red: <tests>" or "skipped". */
  record Outcome(PlantedBug bug, boolean caught, String invariant, String firstSeed, long seedsRun, double huntS,
                 String unitTests, String failure) {

    String row() {
      return String.format("| %s | %s | %s | %s | %d | %.1f | %s |", bug.name(), caught ? "yes" : "NO", invariant,
          firstSeed, seedsRun, huntS, unitTests);
    }
  }

  static final String HEADER = "| bug | caught | invariant | first seed | seeds to catch | hunt s | untagged unit tests |\n"
      + "|---|---|---|---|---|---|---|";

  private final Path raftModule;
  private final Path scratch;
  private final long firstSeed;
  private final long budget;
  private final boolean unitTests;
  private final long timeoutS;

  MutationCampaign(long firstSeed, long budget, boolean unitTests, long timeoutS) throws IOException {
    Path here = Path.of("").toAbsolutePath();
    this.raftModule = Files.isDirectory(here.resolve("src/main/java/io/chronik/raft")) ? here : here.resolve("raft");
    this.scratch = Files.createTempDirectory("chronik-mutants-");
    this.firstSeed = firstSeed;
    this.budget = budget;
    this.unitTests = unitTests;
    this.timeoutS = timeoutS;
  }

  List<Outcome> run(List<PlantedBug> bugs) throws Exception {
    List<Outcome> out = new ArrayList<>();
    try {
      for (PlantedBug bug : bugs) {
        Outcome o = hunt(bug);
        System.out.println(o.row());
        if (o.failure() != null) {
          System.out.println("    " + o.failure().substring(0, Math.min(400, o.failure().length())));
        }
        out.add(o);
      }
    } finally {
      MutantBuild.delete(scratch);
    }
    return out;
  }

  private Outcome hunt(PlantedBug bug) throws Exception {
    Path work = scratch.resolve(bug.name());
    Path classes = MutantBuild.compile(bug, raftModule.resolve("src/main/java"), work);
    String units = unitTests ? unitTests(bug, work) : "skipped";
    String cp = classes + File.pathSeparator + testClasses();
    Path log = work.resolve("hunt.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", cp, MutantHunt.class.getName(), Long.toString(firstSeed), Long.toString(budget),
        Integer.toString(Runtime.getRuntime().availableProcessors()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      return new Outcome(bug, true, "hang (no answer within " + timeoutS + " s)", "?", 0, timeoutS, units, null);
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    String summary = lines.stream().filter(l -> l.startsWith("hunt ")).findFirst()
        .orElseThrow(() -> new IllegalStateException("bug=" + bug.name() + " reason=hunt-crashed output=" + lines));
    String failure = lines.stream().filter(l -> l.startsWith("failure ")).findFirst().map(l -> l.substring(8)).orElse(null);
    return new Outcome(bug, field(summary, "caught").equals("true"), field(summary, "invariant"),
        field(summary, "firstSeed"), Long.parseLong(field(summary, "seedsRun")),
        Double.parseDouble(field(summary, "wallS")), units, failure);
  }

  private static String field(String line, String name) {
    for (String kv : line.split(" ")) {
      if (kv.startsWith(name + "=")) {
        return kv.substring(name.length() + 1);
      }
    }
    throw new IllegalStateException("field=" + name + " line=" + line);
  }

  private static Path testClasses() throws URISyntaxException {
    return Path.of(MutantHunt.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The module's untagged unit tests, by Maven (offline), on a copy of the repository's raft module with the bug. */
  private String unitTests(PlantedBug bug, Path work) throws IOException, InterruptedException {
    Path repo = work.resolve("repo");
    Files.createDirectories(repo);
    Files.copy(raftModule.resolveSibling("pom.xml"), repo.resolve("pom.xml"));
    MutantBuild.copyTree(raftModule, repo.resolve("raft"));
    MutantBuild.plant(bug, repo.resolve("raft/src/main/java"));
    // the harness itself is no unit test of the module (its catalogue check would see the planted change)
    MutantBuild.delete(repo.resolve("raft/src/test/java/io/chronik/raft/mutation"));
    Path log = work.resolve("unit.log");
    Process p = new ProcessBuilder("mvn", "-q", "-B", "-ntp", "-o", "test", "-f", repo.resolve("raft/pom.xml").toString(),
        "-Dchronik.groups=none()", "-Dsurefire.failIfNoSpecifiedTests=false")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      return "red: timeout";
    }
    if (p.exitValue() == 0) {
      return "green";
    }
    List<String> red = new ArrayList<>();
    Path reports = repo.resolve("raft/target/surefire-reports");
    if (Files.isDirectory(reports)) {
      try (Stream<Path> files = Files.list(reports)) {
        for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".txt"))::iterator) {
          String text = Files.readString(f);
          if (text.contains("FAILURE") || text.contains("ERROR")) {
            red.add(f.getFileName().toString().replace("io.chronik.raft.", "").replace(".txt", ""));
          }
        }
      }
    }
    return "red: " + (red.isEmpty() ? "build failed (see " + log + ")" : String.join(", ", red));
  }
}
