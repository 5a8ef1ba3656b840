package io.chronik.verifier.cli;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.History;
import io.chronik.verifier.history.HistoryException;
import io.chronik.verifier.history.PorcupineLogReader;
import io.chronik.verifier.linearizability.CheckResult;
import io.chronik.verifier.linearizability.HtmlVisualizer;
import io.chronik.verifier.linearizability.LinearizabilityChecker;
import io.chronik.verifier.linearizability.PartitionResult;
import io.chronik.verifier.linearizability.Progress;
import io.chronik.verifier.model.FailurePolicy;
import io.chronik.verifier.model.Model;
import io.chronik.verifier.model.ModelCatalog;
import io.chronik.verifier.model.ModelException;
import io.chronik.verifier.report.HistoryChecks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chronik check FILE --model M}: checks a history for linearizability. Exit codes: 0 valid,
 * 1 invalid, 2 unknown (time limit), 3 bad input (unreadable file, malformed history, op the model
 * does not understand, unknown model).
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {"Check a history for linearizability against a model.",
        "Exit codes: 0 linearizable, 1 not linearizable, 2 unknown (time limit), 3 bad input."})
public final class CheckCommand implements Callable<Integer> {
  static final int EXIT_VALID = 0;
  static final int EXIT_INVALID = 1;
  static final int EXIT_UNKNOWN = 2;
  static final int EXIT_BAD_INPUT = 3;

  @Parameters(index = "0", paramLabel = "FILE", description = "The history file.")
  Path file;

  @Option(names = "--model", required = true, paramLabel = "M",
      description = "register, cas-register, multi-register, key-value, key-value-single, mutex, set, "
          + "unordered-queue, fifo-queue, log; or kafka, queue (Jepsen kafka / total-queue checkers).")
  String model;

  @Option(names = "--report", paramLabel = "DIR",
      description = "kafka, queue: write report.html (plots, anomalies), results.edn and charts/ into DIR.")
  Path report;

  @Option(names = "--final-reads",
      description = "kafka: the run ended healed with final polls, so acknowledged values never read are errors.")
  boolean finalReads;

  @Option(names = "--format", defaultValue = "jepsen", paramLabel = "F",
      description = "jepsen|edn (one op map per line), porcupine-etcd, porcupine-kv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--html", paramLabel = "OUT", description = "Write a self-contained HTML visualization.")
  Path html;

  @Option(names = "--timeout", paramLabel = "S", description = "Give up after S seconds (verdict unknown).")
  Double timeoutSeconds;

  @Option(names = "--failed", paramLabel = "P",
      description = "Failed ops: did-not-happen (Knossos) or evidence (Porcupine). Default: per model.")
  String failed;

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
    if (HistoryChecks.MODELS.contains(model)) {
      return HistoryChecks.command(model, file, report, finalReads, out, err);
    }
    Model<?, ?> m;
    History history;
    try {
      m = ModelCatalog.byName(model, failed == null ? null : FailurePolicy.parse(failed));
      history = read();
    } catch (IllegalArgumentException | HistoryException e) {
      err.println("chronik check: " + e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (NoSuchFileException e) {
      err.println("chronik check: file=" + file + " reason=no-such-file");
      return EXIT_BAD_INPUT;
    } catch (IOException e) {
      err.println("chronik check: file=" + file + " reason=unreadable detail=\"" + e.getMessage() + "\"");
      return EXIT_BAD_INPUT;
    }
    LinearizabilityChecker.Options options = LinearizabilityChecker.Options.defaults()
        .withPartitioning(!noPartition)
        .withTimeLimit(timeoutSeconds == null ? null : Duration.ofMillis((long) (timeoutSeconds * 1000)));
    if (threads > 0) {
      options = options.withThreads(threads);
    }
    Progress progress = new Progress();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "check-progress");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    ticker.scheduleAtFixedRate(() -> {
      err.printf("chronik check: elapsed=%ds partitions=%d/%d steps=%d%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), progress.partitionsDone(),
          progress.partitionsTotal(), progress.steps());
      err.flush();
    }, 2, 2, TimeUnit.SECONDS);
    CheckResult result;
    try {
      result = new LinearizabilityChecker(options).check(m, history, progress);
    } catch (ModelException e) {
      err.println("chronik check: " + e.getMessage());
      return EXIT_BAD_INPUT;
    } finally {
      ticker.shutdownNow();
    }
    report(result, history, out);
    if (html != null) {
      try {
        HtmlVisualizer.write(m, result, html);
        out.println("html=" + html);
      } catch (IOException e) {
        err.println("chronik check: html=" + html + " reason=unwritable detail=\"" + e.getMessage() + "\"");
        return EXIT_BAD_INPUT;
      }
    }
    return switch (result.verdict()) {
      case OK -> EXIT_VALID;
      case ILLEGAL -> EXIT_INVALID;
      case UNKNOWN -> EXIT_UNKNOWN;
    };
  }

  private History read() throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    return switch (format) {
      case "jepsen", "edn" -> EdnHistoryReader.read(file);
      case "porcupine-etcd" -> PorcupineLogReader.readEtcd(file);
      case "porcupine-kv" -> PorcupineLogReader.readKv(file);
      default -> throw new IllegalArgumentException("format=" + format
          + " reason=unknown-format known=[jepsen, edn, porcupine-etcd, porcupine-kv]");
    };
  }

  private static void report(CheckResult result, History history, PrintWriter out) {
    out.printf("verdict=%s model=%s ops=%d operations=%d partitions=%d elapsed=%dms%n", result.verdict(),
        result.model(), history.size(), history.operations().size(), result.partitions().size(),
        result.elapsed().toMillis());
    for (PartitionResult p : result.illegal()) {
      out.printf("illegal partition=%s linearizable-prefix=%d cannot-place: %s%n",
          p.key() == null ? "all" : p.key(), p.longestPrefix().size(), p.offending());
    }
    out.flush();
  }
}
