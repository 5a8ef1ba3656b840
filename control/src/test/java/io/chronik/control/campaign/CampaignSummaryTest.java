package io.chronik.control.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.report.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CampaignSummaryTest {
  private static CampaignSummary.Row row(String dir, long seed, Verdict v) {
    return new CampaignSummary.Row(dir, seed, v, 1000, 7, Map.of(), v == null ? "host=n1 reason=unreachable" : null);
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
    CampaignSummary s = new CampaignSummary("Chronik campaign X", "--hosts lab:3 --workload kafka");
    s.add(row("20261128T120000-lab-kafka", 42, Verdict.VALID));
    s.add(row("-", 43, null));
    String md = s.markdown();
    assertThat(md).contains("| 1 | 20261128T120000-lab-kafka | 42 | VALID | 1000 | 7 | "
        + "[report](20261128T120000-lab-kafka/report.html) |");
    assertThat(md).contains("| 2 | - | 43 | ERROR: host=n1 reason=unreachable | 1000 | 7 | - |");
    assertThat(md).contains("Campaign verdict (worst run): **UNKNOWN** (exit 2)");
    assertThat(md).contains("chronik test --hosts lab:3 --workload kafka --seed <seed>");
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

  @Test
  void faultsArePutInPlacePerFaultForEachRunAndSummedOverTheCampaign() {
    CampaignSummary s = new CampaignSummary("t", "--hosts lab:3");
    s.add(new CampaignSummary.Row("a", 1, Verdict.VALID, 10, 3, Map.of("kill", 2L, "cascading", 1L), null));
    s.add(new CampaignSummary.Row("b", 2, Verdict.VALID, 10, 2, Map.of("kill", 1L, "packet-loss", 1L), null));
    assertThat(s.perFault()).containsExactly(Map.entry("cascading", 1L), Map.entry("kill", 3L),
        Map.entry("packet-loss", 1L));
    assertThat(s.markdown()).contains("| 3: cascading 1, kill 2 |")
        .contains("Faults put in place, per fault: cascading 1, kill 3, packet-loss 1");
    assertThat(s.edn()).contains(":faults-by-name {\"cascading\" 1");
  }
}
