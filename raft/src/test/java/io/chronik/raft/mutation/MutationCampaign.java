package io.chronik.raft.mutation;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * For each planted bug: a copy of the module's sources with the bug, (optionally) the module's
 * untagged unit tests run by Maven on that copy ({@link MutantUnitRun}), and the module's ordinary
 * swarm simulation hunting it in a child JVM until its first failing seed or the budget. The
 * repository is never modified. Runs inside the module's surefire JVM (its working directory is the
 * module or the repository root; the class path is the module's test class path).
 */
public final class MutationCampaign {

  /** One bug's outcome; {@code unitTests} is "green", "red: <tests>" or "skipped". */
  public record Outcome(PlantedBug bug, boolean caught, String invariant, String firstSeed, long seedsRun, double huntS,
                 String unitTests, String failure) {

    public String row() {
      return String.format("| %s | %s | %s | %s | %d | %.1f | %s |", bug.name(), caught ? "yes" : "NO", invariant,
          firstSeed, seedsRun, huntS, unitTests);
    }
  }

  public static final String HEADER = "| bug | caught | invariant | first seed | seeds to catch | hunt s | untagged unit tests |\n"
      + "|---|---|---|---|---|---|---|";

  private final MutatedModule module;
  private final Path moduleDir;
  private final Path scratch;
  private final long firstSeed;
  private final long budget;
  private final boolean unitTests;
  private final long timeoutS;

  MutationCampaign(long firstSeed, long budget, boolean unitTests, long timeoutS) throws IOException {
    this(MutatedModule.RAFT, firstSeed, budget, unitTests, timeoutS);
  }

  public MutationCampaign(MutatedModule module, long firstSeed, long budget, boolean unitTests, long timeoutS)
      throws IOException {
    Path here = Path.of("").toAbsolutePath();
    this.module = module;
    this.moduleDir = here.getFileName().toString().equals(module.name()) ? here : here.resolve(module.name());
    this.scratch = Files.createTempDirectory("chronik-mutants-");
    this.firstSeed = firstSeed;
    this.budget = budget;
    this.unitTests = unitTests;
    this.timeoutS = timeoutS;
  }

  public List<Outcome> run(List<PlantedBug> bugs) throws Exception {
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
    String classPath = classPathWithoutModule();
    Path classes = MutantBuild.compile(bug, moduleDir.resolve("src/main/java"), classPath, work);
    String units = unitTests ? MutantUnitRun.run(module, moduleDir, bug, work) : "skipped";
    String cp = classes + File.pathSeparator + classPath;
    Path log = work.resolve("hunt.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", cp, MutantHunt.class.getName(), module.simulation(), Long.toString(firstSeed), Long.toString(budget),
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

  /**
   * This JVM's class path (surefire sets it to the module's test class path) without the module's own
   * compiled classes: the mutant's classes take their place.
   */
  private String classPathWithoutModule() {
    Path own = moduleDir.resolve("target/classes").toAbsolutePath().normalize();
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty() && !Path.of(entry).toAbsolutePath().normalize().equals(own)) {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String field(String line, String name) {
    for (String kv : line.split(" ")) {
      if (kv.startsWith(name + "=")) {
        return kv.substring(name.length() + 1);
      }
    }
    throw new IllegalStateException("field=" + name + " line=" + line);
  }
}
