package io.chronik.verifier.cli;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.History;
import io.chronik.verifier.history.HistoryException;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.PorcupineLogReader;
import io.chronik.verifier.linearizability.HtmlVisualizer;
import io.chronik.verifier.linearizability.LinearizabilityChecker;
import io.chronik.verifier.linearizability.LinearizabilityResult;
import io.chronik.verifier.linearizability.PartitionResult;
import io.chronik.verifier.linearizability.Progress;
import io.chronik.verifier.model.FailurePolicy;
import io.chronik.verifier.model.IndependentModel;
import io.chronik.verifier.model.Model;
import io.chronik.verifier.model.ModelCatalog;
import io.chronik.verifier.model.ModelException;
import io.chronik.verifier.report.HistoryChecks;
import io.chronik.verifier.report.OpTimeline;
import io.chronik.verifier.report.ProgressLine;
import io.chronik.verifier.report.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chronik check FILE --model M}: checks a history against a model. Exit codes: 0 valid,
 * 1 invalid, 2 unknown (time limit), 3 bad input (unreadable file, malformed history, op the model
 * does not understand, unknown model).
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    resourceBundle = "io.chronik.verifier.cli.CheckHelp",
    description = {"Check a history against a model: linearizability, or the Kafka / queue checkers.",
        "Exit codes: 0 valid, 1 invalid, 2 unknown (time limit, or nothing checkable), 3 bad input."})
public final class CheckCommand implements Callable<Integer> {
  static final int EXIT_VALID = 0;
  static final int EXIT_INVALID = 1;
  static final int EXIT_UNKNOWN = 2;
  static final int EXIT_BAD_INPUT = 3;
  /** Default of {@code --timeout}: long enough for any history we record, short enough to end a run. */
  static final double DEFAULT_TIMEOUT_SECONDS = 300;
  /** Undecided keys named in the output of an unknown verdict. */
  private static final int UNDECIDED_SHOWN = 10;

  @Parameters(index = "0", paramLabel = "FILE", description = "The history file.")
  Path file;

  @Option(names = "--model", required = true, paramLabel = "M", description = "The model (see Models below).")
  String model;

  @Option(names = "--report", paramLabel = "DIR",
      description = "Write report.html (plots, anomalies), results.edn and charts/ into DIR.")
  Path report;

  @Option(names = "--final-reads",
      description = "kafka: the run ended healed with final polls, so acknowledged values never read are errors.")
  boolean finalReads;

  @Option(names = "--format", defaultValue = "jepsen", paramLabel = "F",
      description = "jepsen|edn (any EDN history: one op map per line, or a vector/list of ops), "
          + "porcupine-etcd, porcupine-kv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--html", paramLabel = "OUT", description = "Write a self-contained HTML visualization.")
  Path html;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "" + DEFAULT_TIMEOUT_SECONDS,
      description = "Stop the linearizability search after S seconds (verdict unknown; 0 = never). "
          + "Default: ${DEFAULT-VALUE}.")
  double timeoutSeconds;

  @Option(names = "--failed", paramLabel = "P",
      description = "Failed ops: did-not-happen (Knossos) or evidence (Porcupine). Default: per model.")
  String failed;

  @Option(names = "--independent", negatable = true,
      description = "Values are jepsen.independent [key value] tuples: check each key alone with the "
          + "single-key model. Default: detected (said on stderr); --no-independent turns detection off.")
  Boolean independent;

  @Option(names = "--no-partition", description = "Check the whole history as one partition.")
  boolean noPartition;

  @Option(names = "--threads", defaultValue = "0", description = "Partition search threads (0 = cores).")
  int threads;

  @Spec CommandSpec spec;

  public CheckCommand() {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (HistoryChecks.MODELS.containsKey(model)) {
      return HistoryChecks.command(model, file, report, finalReads, out, err);
    }
    Model<?, ?> m;
    History history;
    try {
      ModelCatalog.Entry entry = ModelCatalog.entry(model);
      m = ModelCatalog.byName(model, failed == null ? null : FailurePolicy.parse(failed));
      history = read(err);
      m = independent(entry, m, history, err);
    } catch (IllegalArgumentException | HistoryException | ModelException e) {
      err.println("chronik check: " + e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (NoSuchFileException e) {
      err.println("chronik check: file=" + file + " reason=no-such-file");
      return EXIT_BAD_INPUT;
    } catch (IOException e) {
      err.println("chronik check: file=" + file + " reason=unreadable detail=\"" + e.getMessage() + "\"");
      return EXIT_BAD_INPUT;
    } catch (OutOfMemoryError e) {
      // The ops read so far are all this command holds, and they are unreachable once we are here.
      err.println(HistoryChecks.outOfMemory(file));
      return EXIT_UNKNOWN;
    }
    LinearizabilityResult result;
    try {
      result = check(m, history, err);
    } catch (ModelException e) {
      err.println("chronik check: " + e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (OutOfMemoryError e) {
      // Decoding every op into the model's calls did not fit beside the history (searches that
      // fill the heap are caught inside the checker and end as undecided keys).
      err.println(HistoryChecks.outOfMemory(file));
      return EXIT_UNKNOWN;
    }
    print(result, history, out);
    try {
      write(m, result, history, out);
    } catch (IOException e) {
      err.println("chronik check: reason=unwritable-output detail=\"" + e.getMessage() + "\"");
      return EXIT_BAD_INPUT;
    }
    return result.verdict().exitCode();
  }

  /**
   * The model to check with: wrapped per key for an independent history, when asked or detected. A
   * keyed model (its ops carry keys already) is never wrapped.
   */
  private Model<?, ?> independent(ModelCatalog.Entry entry, Model<?, ?> m, History history, PrintWriter err) {
    if (Boolean.FALSE.equals(independent) || entry.keyed()) {
      if (Boolean.TRUE.equals(independent)) {
        throw new IllegalArgumentException("model=" + model + " reason=model-already-keyed"
            + " detail=\"--independent applies to single-key models\"");
      }
      return m;
    }
    boolean detected = independent == null && IndependentModel.looksIndependent(m, history.operations());
    if (!detected && independent == null) {
      return m;
    }
    if (noPartition) {
      throw new IllegalArgumentException("reason=independent-needs-partitioning"
          + " detail=\"each key is checked alone; drop --no-partition\"");
    }
    if (detected) {
      err.println("chronik check: independent=detected reason=every-invocation-value-is-[key value]"
          + " detail=\"each key checked alone with model " + model + "; --no-independent checks one object\"");
      err.flush();
    }
    return IndependentModel.of(m);
  }

  private LinearizabilityResult check(Model<?, ?> m, History history, PrintWriter err) {
    LinearizabilityChecker.Options options = LinearizabilityChecker.Options.defaults()
        .withPartitioning(!noPartition)
        .withTimeLimit(Duration.ofMillis((long) (timeoutSeconds * 1000)));
    if (threads > 0) {
      options = options.withThreads(threads);
    }
    Progress progress = new Progress();
    ProgressLine line = ProgressLine.start(err, () -> String.format("checking partitions=%d/%d steps=%d",
        progress.partitionsDone(), progress.partitionsTotal(), progress.steps()));
    try {
      return new LinearizabilityChecker(options).check(m, history, progress);
    } finally {
      line.close();
    }
  }

  private History read(PrintWriter err) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    return switch (format) {
      case "jepsen", "edn" -> readEdn(err);
      case "porcupine-etcd" -> PorcupineLogReader.readEtcd(file);
      case "porcupine-kv" -> PorcupineLogReader.readKv(file);
      default -> throw new IllegalArgumentException("format=" + format
          + " reason=unknown-format known=[jepsen, edn, porcupine-etcd, porcupine-kv]");
    };
  }

  private History readEdn(PrintWriter err) throws IOException {
    AtomicLong ops = new AtomicLong();
    List<Op> all = new ArrayList<>();
    ProgressLine line = ProgressLine.start(err, () -> "reading ops=" + ops.get());
    try (EdnHistoryReader reader = EdnHistoryReader.open(file)) {
      for (Op op = reader.next(); op != null; op = reader.next()) {
        all.add(op);
        ops.lazySet(all.size());
      }
    } finally {
      line.close();
    }
    return History.of(all);
  }

  private void print(LinearizabilityResult result, History history, PrintWriter out) {
    out.printf("verdict=%s model=%s ops=%d operations=%d partitions=%d elapsed=%dms%n", result.verdict(),
        result.model(), history.size(), history.operations().size(), result.partitions().size(),
        result.elapsed().toMillis());
    for (PartitionResult p : result.invalid()) {
      out.printf("invalid partition=%s linearizable-prefix=%d cannot-place: %s%n",
          p.key() == null ? "all" : p.key(), p.longestPrefix().size(), p.offending());
    }
    List<PartitionResult> undecided = result.undecided();
    if (!undecided.isEmpty()) {
      long steps = result.partitions().stream().mapToLong(PartitionResult::steps).sum();
      List<Object> shown = undecided.stream().limit(UNDECIDED_SHOWN)
          .map(p -> p.key() == null ? (Object) "all" : p.key()).toList();
      out.printf("unknown stopped-by=%s decided=%d/%d steps=%d timeout=%ss undecided=%s%s%n", result.stoppedBy(),
          result.partitions().size() - undecided.size(), result.partitions().size(), steps, timeoutSeconds, shown,
          undecided.size() > UNDECIDED_SHOWN ? " ..." : "");
    }
    out.flush();
  }

  private void write(Model<?, ?> m, LinearizabilityResult result, History history, PrintWriter out)
      throws IOException {
    if (report != null) {
      RunReport.write(report, file.getFileName() + " (" + model + ")", result.toCheckResult(),
          OpTimeline.of(history));
      out.println("report=" + report.resolve("report.html") + " results=" + report.resolve("results.edn"));
    }
    if (html != null) {
      HtmlVisualizer.write(m, result, html);
      out.println("html=" + html);
    }
    out.flush();
  }
}
