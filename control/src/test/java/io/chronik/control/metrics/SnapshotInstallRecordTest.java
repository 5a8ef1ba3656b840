package io.chronik.control.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.EdnReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.bpsm.edn.Keyword;

class SnapshotInstallRecordTest {
  private static final String RESULTS = "{:valid? true\n :model :kafka\n :anomaly-types []\n :bad-anomaly-types []\n"
      + " :counts {}\n :replica-agreement {:agree? true :groups 4 :entries-compared 1200 :divergences [] :lagging []}}\n";
  private static final String REPORT = "<html><body><div class=\"verdict\" style=\"background:#1b8a3a\">VALID</div>\n"
      + "</body></html>";

  @TempDir Path dir;

  private static Map<?, ?> results(Path dir) throws Exception {
    String text = Files.readString(dir.resolve("results.edn"), StandardCharsets.UTF_8);
    try (EdnReader r = new EdnReader(new StringReader(text), "results.edn")) {
      return (Map<?, ?>) r.readForm();
    }
  }

  @Test
  void theCountsGoIntoResultsEdnAndTheReportAndTheVerdictStands() throws Exception {
    Files.writeString(dir.resolve("results.edn"), RESULTS);
    Files.writeString(dir.resolve("report.html"), REPORT);
    SnapshotInstalls installs = new SnapshotInstalls();
    installs.observe("n1", "chronik_snapshots_installed_total{node_id=\"0\"} 0.0\n");
    installs.observe("n2", "chronik_snapshots_installed_total{node_id=\"1\"} 3.0\n");

    SnapshotInstallRecord.amend(dir, installs);

    String edn = Files.readString(dir.resolve("results.edn"), StandardCharsets.UTF_8);
    assertThat(edn).startsWith("{:valid? true\n")
        .endsWith(":lagging []}\n :snapshot-installs {:total 3 :per-node {\"n1\" 0, \"n2\" 3}}}\n");
    Map<?, ?> parsed = results(dir);
    assertThat(parsed.get(Keyword.newKeyword("valid?"))).isEqualTo(true);
    Map<?, ?> record = (Map<?, ?>) parsed.get(Keyword.newKeyword("snapshot-installs"));
    assertThat(record.get(Keyword.newKeyword("total"))).isEqualTo(3L);
    assertThat((Map<?, ?>) record.get(Keyword.newKeyword("per-node"))).isEqualTo(Map.of("n1", 0L, "n2", 3L));
    String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);
    assertThat(html).contains("background:#1b8a3a\">VALID</div>")
        .contains("<h2>Snapshot installs</h2><p>InstallSnapshot persisted by replicas during the run: 3 (n1 0, n2 3)</p>\n"
            + "</body></html>");
  }

  @Test
  void aDatabaseWithoutTheCounterIsRecordedAsNotCounted() throws Exception {
    Files.writeString(dir.resolve("results.edn"), RESULTS);
    Files.writeString(dir.resolve("report.html"), REPORT);

    SnapshotInstallRecord.amendUnchecked(dir, "db-kafka");

    Map<?, ?> record = (Map<?, ?>) results(dir).get(Keyword.newKeyword("snapshot-installs"));
    assertThat(record).isEqualTo(Map.of(Keyword.newKeyword("checked?"), false, Keyword.newKeyword("reason"), "db-kafka"));
    assertThat(Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8))
        .contains("<h2>Snapshot installs</h2><p>not counted: db-kafka</p>");
  }

  @Test
  void aRunFolderWithoutResultsOrReportIsLeftAsItIs() throws Exception {
    SnapshotInstallRecord.amend(dir, new SnapshotInstalls());

    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
