package io.chronik.verifier.report;

import io.chronik.verifier.history.HistoryException;
import io.chronik.verifier.kafka.KafkaCheckOptions;
import io.chronik.verifier.kafka.KafkaChecker;
import io.chronik.verifier.kafka.KafkaHistory;
import io.chronik.verifier.queue.QueueChecker;
import io.chronik.verifier.queue.QueueHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point {@code chronik check} uses for the non-linearizability models: reads the
 * history, runs the model's checker, prints a summary, and writes the run report when asked.
 */
public final class HistoryChecks {
  /**
   * Models checked here rather than by the linearizability search, each with its help line: the
   * one registration {@code chronik check --help} and errors read.
   */
  public static final Map<String, String> MODELS = orderedMap(
      "kafka", "Jepsen kafka workload anomalies (docs/REPORTS.md)",
      "queue", "queue/set: each acknowledged element read exactly once");

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  private HistoryChecks() {}

  /** Exit code for unreadable or malformed input, as the linearizability check uses. */
  public static final int EXIT_BAD_INPUT = 3;

  /**
   * What {@code chronik check --model kafka|queue} runs: the verdict's exit code (0 valid, 1
   * invalid, 2 unknown), or {@link #EXIT_BAD_INPUT} with a key=value error on {@code err}.
   */
  public static int command(String model, Path history, Path reportDir, boolean finalReads, PrintWriter out,
      PrintWriter err) {
    try {
      if (!Files.isRegularFile(history)) {
        err.println("chronik check: file=" + history + " reason=no-such-file");
        return EXIT_BAD_INPUT;
      }
      return run(model, history, reportDir, finalReads, out, err).exitCode();
    } catch (HistoryException | IllegalArgumentException | IllegalStateException e) {
      err.println("chronik check: " + e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (IOException e) {
      err.println("chronik check: file=" + history + " reason=io-error detail=\"" + e.getMessage() + "\"");
      return EXIT_BAD_INPUT;
    } catch (OutOfMemoryError e) {
      // The decoded history is all this command holds, and it is unreachable once we are here.
      err.println(outOfMemory(history));
      return Verdict.UNKNOWN.exitCode();
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * The message for a history too large for the heap: the verdict is unknown, and the remedy is a
   * larger heap (the launcher passes {@code CHRONIK_JAVA_OPTS} to the JVM).
   */
  public static String outOfMemory(Path history) {
    return "chronik check: verdict=UNKNOWN file=" + history + " reason=out-of-memory heap-max-mb="
        + (Runtime.getRuntime().maxMemory() >> 20) + " detail=\"the history does not fit the heap;"
        + " raise it, e.g. CHRONIK_JAVA_OPTS=-Xmx8g\"";
  }

  /**
   * @param reportDir where report.html, results.edn and charts/ go; null for none
   * @param finalReads the run ended healed with final reads, so unseen values are errors (kafka)
   */
  public static Verdict run(String model, Path history, Path reportDir, boolean finalReads, PrintWriter out)
      throws IOException {
    return run(model, history, reportDir, finalReads, out, new PrintWriter(java.io.Writer.nullWriter()));
  }

  /** As above, with a progress line on {@code err} while a long history is read. */
  public static Verdict run(String model, Path history, Path reportDir, boolean finalReads, PrintWriter out,
      PrintWriter err) throws IOException {
    long start = System.nanoTime();
    PairedHistory h;
    CheckResult r;
    switch (model) {
      case "kafka" -> {
        KafkaHistory kh = new KafkaHistory();
        ProgressLine line = ProgressLine.start(err, () -> "reading ops=" + kh.accepted());
        try {
          kh.readAll(history);
        } finally {
          line.close();
        }
        h = kh;
        r = KafkaChecker.check(kh, KafkaCheckOptions.defaults().withUnseenIsError(finalReads));
      }
      case "queue" -> {
        QueueHistory qh = new QueueHistory();
        ProgressLine line = ProgressLine.start(err, () -> "reading ops=" + qh.accepted());
        try {
          qh.readAll(history);
        } finally {
          line.close();
        }
        h = qh;
        r = QueueChecker.check(qh, 32);
      }
      default -> throw new IllegalArgumentException("model=" + model + " reason=unknown-model known=" + MODELS.keySet());
    }
    long checkedMs = (System.nanoTime() - start) / 1_000_000;
    out.printf("%s: %s (model=%s ops=%d check-ms=%d)%n", history, r.verdict(), model, h.size(), checkedMs);
    r.counts().forEach((type, n) -> out.printf("  %s %d%s%n", type, n,
        r.allowedTypes().contains(type) ? " (allowed)" : ""));
    if (reportDir != null) {
      RunReport.write(reportDir, history.getFileName() + " (" + model + ")", r, h);
      out.printf("report: %s%n", reportDir.resolve("report.html"));
    }
    return r.verdict();
  }
}
