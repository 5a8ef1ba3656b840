package io.chronik.control.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a run's snapshot installs into its folder: {@code :snapshot-installs} in results.edn and a
 * line in report.html. The checker that wrote both never saw the brokers' metrics, so this amends its
 * files (as {@code replicas.AgreementRecord} does); the verdict is not touched: an install is how a
 * replica far behind catches up, not an anomaly.
 */
public final class SnapshotInstallRecord {
  private SnapshotInstallRecord() {}

  /** Adds the counts to results.edn and report.html of {@code runDir} (files that do not exist are skipped). */
  public static void amend(Path runDir, SnapshotInstalls installs) throws IOException {
    String nodes = installs.perNode().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
    amend(runDir, installs.edn(), "<h2>Snapshot installs</h2><p>InstallSnapshot persisted by replicas during the run: "
        + installs.total() + (nodes.isEmpty() ? " (no node answered a metrics scrape)" : " (" + nodes + ")") + "</p>");
  }

  /** Records that the installs were not counted (e.g. Apache Kafka has no such metric). */
  public static void amendUnchecked(Path runDir, String reason) throws IOException {
    String escaped = reason.replace("\\", "\\\\").replace("\"", "\\\"");
    amend(runDir, "{:checked? false :reason \"" + escaped + "\"}",
        "<h2>Snapshot installs</h2><p>not counted: " + reason.replace("&", "&amp;").replace("<", "&lt;") + "</p>");
  }

  private static void amend(Path runDir, String edn, String html) throws IOException {
    Path results = runDir.resolve("results.edn");
    if (Files.exists(results)) {
      String text = Files.readString(results, StandardCharsets.UTF_8).stripTrailing();
      if (!text.endsWith("}")) {
        throw new IOException("file=" + results + " reason=not-an-edn-map");
      }
      text = text.substring(0, text.length() - 1) + "\n :snapshot-installs " + edn + "}\n";
      Files.writeString(results, text, StandardCharsets.UTF_8);
    }
    Path report = runDir.resolve("report.html");
    if (Files.exists(report)) {
      String page = Files.readString(report, StandardCharsets.UTF_8);
      int end = page.lastIndexOf("</body>");
      page = end < 0 ? page + html : page.substring(0, end) + html + "\n" + page.substring(end);
      Files.writeString(report, page, StandardCharsets.UTF_8);
    }
  }
}
