package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.report.HistoryChecks;
import io.chronik.verifier.report.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.parser.Parseable;
import us.bpsm.edn.parser.Parsers;

class UnreadVerdictTest {
  private static final Path VALID_HISTORY =
      ChronikProcess.ROOT.resolve("histories/fixtures/kafka/lost-write-valid.edn");

  @TempDir Path runDir;

  @Test
  void withoutCompleteFinalReadsNoAnomalyMeansUnknownButAProvenAnomalyStands() {
    assertThat(UnreadVerdict.of(Verdict.VALID, false)).isEqualTo(Verdict.UNKNOWN);
    assertThat(UnreadVerdict.of(Verdict.INVALID, false)).isEqualTo(Verdict.INVALID);
    assertThat(UnreadVerdict.of(Verdict.UNKNOWN, false)).isEqualTo(Verdict.UNKNOWN);
    assertThat(UnreadVerdict.of(Verdict.VALID, true)).isEqualTo(Verdict.VALID);
    assertThat(UnreadVerdict.of(Verdict.UNKNOWN, false).exitCode()).isEqualTo(2);
  }

  @Test
  void theRunsResultsAndReportSayUnknownAndWhy() throws Exception {
    Verdict checked = HistoryChecks.run("kafka", VALID_HISTORY, runDir, false, new PrintWriter(new StringWriter()));
    assertThat(checked).as("the checker alone finds nothing wrong").isEqualTo(Verdict.VALID);
    UnreadVerdict.amend(runDir);
    Parseable edn = Parsers.newParseable(Files.readString(runDir.resolve("results.edn")));
    Map<?, ?> results = (Map<?, ?>) Parsers.newParser(Parsers.defaultConfiguration()).nextValue(edn);
    assertThat(results.get(Keyword.newKeyword("valid?"))).isEqualTo(Keyword.newKeyword("unknown"));
    assertThat(results.get(Keyword.newKeyword("unknown-reason"))).isEqualTo(Keyword.newKeyword("final-reads-incomplete"));
    assertThat(results.get(Keyword.newKeyword("checked-valid?"))).isEqualTo(Boolean.TRUE);
    String html = Files.readString(runDir.resolve("report.html"));
    assertThat(html).contains(">UNKNOWN</div>").contains("final-reads-incomplete").doesNotContain(">VALID</div>");
  }
}
