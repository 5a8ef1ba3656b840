package io.chronik.control.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.report.Verdict;
import org.junit.jupiter.api.Test;

class CampaignSummaryTest {
  private static CampaignSummary.Row row(String dir, long seed, Verdict v) {
    return new CampaignSummary.Row(dir, seed, v, 1000, 7, v == null ? "host=n1 reason=unreachable" : null);
  }

  @Test
  void worstVerdictIsInvalidThenUnknownOrFailedThenValid() {
    CampaignSummary s = new CampaignSummary("t", "--hosts lab:3");
    assertThat(s.worst()).as("no runs proves nothing").isEqualTo(Verdict.UNKNOWN);
    s.add(row("a", 1, Verdict.VALID));
    assertThat(s.worst()).isEqualTo(Verdict.VALID);
    s.add(row("-", 2, null));
    assertThat(s.worst()).as("a failed run counts as unknown").isEqualTo(Verdict.UNKNOWN);
    s.add(row("c", 3, Verdict.INVALID));
    s.add(row("d", 4, Verdict.VALID));
    assertThat(s.worst()).isEqualTo(Verdict.INVALID);
    assertThat(s.worst().exitCode()).isEqualTo(1);
  }

  @Test
  void markdownTableHasOneRowPerRunWithSeedVerdictOpsFaultsAndReportLink() {
    CampaignSummary s = new CampaignSummary("Chronik campaign X", "--hosts lab:3 --workload queue");
    s.add(row("20261128T120000-lab-queue", 42, Verdict.VALID));
    s.add(row("-", 43, null));
    String md = s.markdown();
    assertThat(md).contains("| 1 | 20261128T120000-lab-queue | 42 | VALID | 1000 | 7 | "
        + "[report](20261128T120000-lab-queue/report.html) |");
    assertThat(md).contains("| 2 | - | 43 | ERROR: host=n1 reason=unreachable | 1000 | 7 | - |");
    assertThat(md).contains("Campaign verdict (worst run): **UNKNOWN** (exit 2)");
    assertThat(md).contains("chronik test --hosts lab:3 --workload queue --seed <seed>");
  }

  @Test
  void ednListsEveryRunWithJepsenValidity() {
    CampaignSummary s = new CampaignSummary("t", "o");
    s.add(row("a", 1, Verdict.VALID));
    s.add(row("b", 2, Verdict.INVALID));
    String edn = s.edn();
    assertThat(edn).contains(":valid? false").contains(":dir \"a\"").contains(":seed 2").contains(":faults 7");
    assertThat(edn.indexOf(":valid? true")).isGreaterThan(edn.indexOf(":runs"));
  }
}
