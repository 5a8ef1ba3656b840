package io.chronik.control.run;

import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The verdict of a run whose final reads did not complete (the cluster never recovered enough to
 * read everything back). The checker can still prove an anomaly in what was read, so INVALID stands;
 * but "no anomaly found" in a history that was never read to its end proves nothing: VALID becomes
 * UNKNOWN, and the run's results.edn and report.html say so and why.
 */
final class UnreadVerdict {
  static final String REASON = "final-reads-incomplete";

  private UnreadVerdict() {}

  /** The run's verdict given the checker's and whether the final reads completed. */
  static Verdict of(Verdict checked, boolean finalReadsComplete) {
    return !finalReadsComplete && checked == Verdict.VALID ? Verdict.UNKNOWN : checked;
  }

  /** The run's verdict; when it differs from the checker's, amends the run folder and says why on the console. */
  static Verdict judge(Verdict checked, boolean finalReadsComplete, Path runDir, PrintStream console) throws IOException {
    Verdict verdict = of(checked, finalReadsComplete);
    if (verdict != checked) {
      amend(runDir);
      console.printf("chronik test: verdict=%s reason=%s (checker: %s)%n", verdict, REASON, checked);
    }
    return verdict;
  }

  /** Rewrites the checker's VALID in {@code runDir}'s results.edn and report.html as unknown, with the reason. */
  static void amend(Path runDir) throws IOException {
    Path results = runDir.resolve("results.edn");
    if (Files.exists(results)) {
      String edn = Files.readString(results, StandardCharsets.UTF_8);
      if (edn.startsWith("{:valid? true")) {
        edn = "{:valid? :unknown\n :unknown-reason :" + REASON + "\n :checked-valid? true"
            + edn.substring("{:valid? true".length());
        Files.writeString(results, edn, StandardCharsets.UTF_8);
      }
    }
    Path report = runDir.resolve("report.html");
    if (Files.exists(report)) {
      String html = Files.readString(report, StandardCharsets.UTF_8);
      String valid = "background:#1b8a3a\">VALID</div>";
      if (html.contains(valid)) {
        html = html.replace(valid, "background:#b26a00\">UNKNOWN</div>\n<p><b>" + REASON + "</b>: the cluster did not "
            + "serve the final reads, so the checker saw no anomaly in a history that was never read to its end.</p>");
        Files.writeString(report, html, StandardCharsets.UTF_8);
      }
    }
  }
}
