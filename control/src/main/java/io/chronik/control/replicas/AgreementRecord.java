package io.chronik.control.replicas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Writes the replica agreement into a run folder: {@code :replica-agreement} in results.edn (and, on a
 * divergence, {@code :valid? false} with the anomaly type {@code :replica-divergence}), a section in
 * report.html. The checker that wrote both never saw the replicas, so this amends its files.
 */
public final class AgreementRecord {
  static final String ANOMALY = "replica-divergence";

  private AgreementRecord() {}

  /** The result as one EDN map. */
  public static String edn(ReplicaAgreement.Result r) {
    String divergences = r.divergences().stream().map(d -> "{:group " + str(d.dir()) + " :index " + d.index()
        + " :entries-differing " + d.entriesDiffering() + " :replicas {" + d.replicas().entrySet().stream()
            .map(e -> str(e.getKey()) + " " + str(e.getValue())).collect(Collectors.joining(", ")) + "}}")
        .collect(Collectors.joining(" "));
    String lagging = r.lagging().stream().map(l -> "{:group " + str(l.dir()) + " :node " + str(l.node()) + " :last "
        + l.last() + " :committed " + l.committed() + "}").collect(Collectors.joining(" "));
    return "{:agree? " + r.agree() + " :groups " + r.groups() + " :entries-compared " + r.entriesCompared()
        + " :divergences [" + divergences + "] :lagging [" + lagging + "]}";
  }

  /** Adds the result to results.edn and report.html of {@code runDir} (files that do not exist are skipped). */
  public static void amend(Path runDir, ReplicaAgreement.Result r) throws IOException {
    amend(runDir, edn(r), !r.agree(), html(r));
  }

  /** Records that the agreement could not be established (e.g. a host did not answer); the verdict stands. */
  public static void amendUnchecked(Path runDir, String reason) throws IOException {
    amend(runDir, "{:checked? false :reason " + str(reason) + "}", false,
        "<h2>Replica agreement</h2><p>not checked: " + esc(reason) + "</p>");
  }

  private static void amend(Path runDir, String edn, boolean divergent, String html) throws IOException {
    Path results = runDir.resolve("results.edn");
    if (Files.exists(results)) {
      String text = Files.readString(results, StandardCharsets.UTF_8).stripTrailing();
      if (divergent) {
        text = text.replaceFirst("^\\{:valid\\? (true|:unknown)", "{:valid? false");
        text = withType(withType(text, ":anomaly-types"), ":bad-anomaly-types");
      }
      text = text.substring(0, text.length() - 1) + "\n :replica-agreement " + edn + "}\n";
      Files.writeString(results, text, StandardCharsets.UTF_8);
    }
    Path report = runDir.resolve("report.html");
    if (Files.exists(report)) {
      String page = Files.readString(report, StandardCharsets.UTF_8);
      if (divergent) {
        for (String was : new String[] {"background:#1b8a3a\">VALID</div>", "background:#b26a00\">UNKNOWN</div>"}) {
          page = page.replace(was, "background:#c62828\">INVALID</div>");
        }
      }
      int end = page.lastIndexOf("</body>");
      page = end < 0 ? page + html : page.substring(0, end) + html + "\n" + page.substring(end);
      Files.writeString(report, page, StandardCharsets.UTF_8);
    }
  }

  /** {@code key [...]} with the anomaly type first in its list. */
  private static String withType(String text, String key) {
    int at = text.indexOf(key + " [");
    if (at < 0) {
      return text;
    }
    int open = at + key.length() + 2;
    String tail = text.substring(open);
    return text.substring(0, open) + ":" + ANOMALY + (tail.startsWith("]") ? "" : " ") + tail;
  }

  private static String html(ReplicaAgreement.Result r) {
    StringBuilder b = new StringBuilder("<h2>Replica agreement</h2>\n<p>")
        .append(r.agree() ? "Every replica holds the same committed log" : "<b>" + ANOMALY + "</b>: replicas differ")
        .append(": ").append(r.groups()).append(" groups, ").append(r.entriesCompared())
        .append(" committed entries compared.</p>\n");
    if (!r.divergences().isEmpty()) {
      b.append("<table><tr><th>group</th><th>first differing index</th><th>entries differing</th><th>replicas</th></tr>\n");
      r.divergences().forEach(d -> b.append("<tr><td>").append(esc(d.dir())).append("</td><td>").append(d.index())
          .append("</td><td>").append(d.entriesDiffering()).append("</td><td>").append(esc(d.replicas().toString()))
          .append("</td></tr>\n"));
      b.append("</table>\n");
    }
    if (!r.lagging().isEmpty()) {
      b.append("<p>Lagging (not caught up when checked, not an anomaly): ").append(esc(r.lagging().stream()
          .map(l -> l.node() + " " + l.dir() + " last=" + l.last() + " committed=" + l.committed())
          .collect(Collectors.joining("; ")))).append("</p>\n");
    }
    return b.toString();
  }

  private static String str(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
