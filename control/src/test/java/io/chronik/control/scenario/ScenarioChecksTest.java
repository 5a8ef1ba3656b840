package io.chronik.control.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioChecksTest {
  @TempDir Path runDir;

  private ScenarioCheck.Result judge(ScenarioCheck check, HistoryText h) throws Exception {
    return check.judge(h.history(), runDir);
  }

  @Test
  void anAcknowledgedWriteNeverReadBackOrReadWithAnotherValueBreaksTheClaim() throws Exception {
    HistoryText kept = new HistoryText().ack(0, 0, 5, 1, 0, 100).read(9, 50, 1, 0, 100);
    assertThat(judge(ScenarioChecks.acknowledgedReadBack(), kept).passed()).isTrue();
    HistoryText lost = new HistoryText().ack(0, 0, 5, 1, 0, 100).ack(0, 6, 9, 1, 1, 101).read(9, 50, 1, 0, 100);
    ScenarioCheck.Result r = judge(ScenarioChecks.acknowledgedReadBack(), lost);
    assertThat(r.passed()).isFalse();
    assertThat(r.measurement()).isEqualTo("acknowledged=2 not-read-back=1");
    HistoryText overwritten = new HistoryText().ack(0, 0, 5, 1, 0, 100).read(9, 50, 1, 0, 777);
    assertThat(judge(ScenarioChecks.acknowledgedReadBack(), overwritten).passed()).isFalse();
  }

  @Test
  void reElectionIsTheFirstAcknowledgementOfPartitionZeroAfterTheKillAndBeforeTheHeal() throws Exception {
    HistoryText h = new HistoryText().fault("kill-leader", 1_000, 9_000, "n2")
        .ack(0, 900, 1_200, 0, 0, 1) // in flight when the leader died: not the new leader's
        .ack(0, 1_300, 3_400, 0, 1, 2).ack(1, 1_100, 1_500, 1, 0, 3); // partition 1: not judged
    ScenarioCheck.Result r = judge(ScenarioChecks.writesResumeWithin("kill-leader", 5_000), h);
    assertThat(r.passed()).isTrue();
    assertThat(r.measurement()).isEqualTo("re-election-ms=2400");
    assertThat(judge(ScenarioChecks.writesResumeWithin("kill-leader", 2_000), h).passed()).isFalse();
    HistoryText never = new HistoryText().fault("kill-leader", 1_000, 9_000, "n2").ack(0, 8_000, 9_500, 0, 1, 2);
    assertThat(judge(ScenarioChecks.writesResumeWithin("kill-leader", 60_000), never).measurement())
        .isEqualTo("re-election-ms=none-before-heal");
  }

  @Test
  void servingDuringAFaultNeedsAnAcknowledgementOnEveryPartitionInItsSecondHalf() throws Exception {
    HistoryText h = new HistoryText().fault("partition", 0, 10_000, "n1").ack(0, 6_000, 6_100, 0, 0, 1)
        .ack(0, 6_200, 6_300, 1, 0, 2);
    assertThat(judge(ScenarioChecks.servesDuring("partition", 2), h).passed()).isTrue();
    assertThat(judge(ScenarioChecks.servesDuring("partition", 3), h).passed()).as("partition 2 never served").isFalse();
    HistoryText early = new HistoryText().fault("partition", 0, 10_000, "n1").ack(0, 1_000, 1_100, 0, 0, 1)
        .ack(0, 1_200, 1_300, 1, 0, 2);
    assertThat(judge(ScenarioChecks.servesDuring("partition", 2), early).passed()).as("only in the first half")
        .isFalse();
  }

  @Test
  void aMinorityLeadersAcknowledgementIsADuplicateOffsetOrAWriteTheMajorityOverwrote() throws Exception {
    ScenarioCheck check = ScenarioChecks.acknowledgedOnlyByMajority("partition");
    HistoryText majority = new HistoryText().fault("partition", 1_000, 9_000, "n1").ack(0, 2_000, 3_000, 0, 4, 10)
        .read(9, 20_000, 0, 4, 10);
    assertThat(judge(check, majority).passed()).isTrue();
    HistoryText both = new HistoryText().fault("partition", 1_000, 9_000, "n1").ack(0, 1_100, 1_200, 0, 4, 10)
        .ack(1, 2_000, 3_000, 0, 4, 11).read(9, 20_000, 0, 4, 11);
    ScenarioCheck.Result r = judge(check, both);
    assertThat(r.passed()).isFalse();
    assertThat(r.measurement()).isEqualTo("acknowledged-during=2 not-on-majority-log=1 shared-offsets=1");
  }

  @Test
  void anAcknowledgementWhileTheQuorumIsLostBreaksTheClaimButOneAlreadyInFlightDoesNot() throws Exception {
    ScenarioCheck check = ScenarioChecks.nothingAcknowledgedWhile("cascading");
    HistoryText inFlight = new HistoryText().fault("cascading", 1_000, 9_000, "n1", "n2").ack(0, 800, 1_200, 0, 0, 1);
    assertThat(judge(check, inFlight).passed()).isTrue();
    HistoryText acked = new HistoryText().fault("cascading", 1_000, 9_000, "n1", "n2").ack(0, 3_000, 4_000, 0, 0, 1);
    assertThat(judge(check, acked).measurement()).isEqualTo("acknowledged-without-quorum=1");
    assertThat(judge(check, acked).passed()).isFalse();
  }

  /** Two overlapping kills as the nemesis records them: n1 down, n2 down, n2 back, n1 back. */
  private static HistoryText twoKills() {
    return new HistoryText().start("kill", 1_000, "n1").start("kill", 1_100, "n2").stop("kill", 8_000, "n2")
        .stop("kill", 20_000, "n1");
  }

  @Test
  void overlappingWindowsOfOneFaultArePairedByTheirTargets() {
    ScenarioHistory h = twoKills().history();
    assertThat(h.windows("kill")).extracting(ScenarioHistory.Window::targets, ScenarioHistory.Window::millis)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(java.util.List.of("n2"), 6_900L),
            org.assertj.core.groups.Tuple.tuple(java.util.List.of("n1"), 19_000L));
  }

  @Test
  void twoDownThenOneBackMustBeSilentThenServe() throws Exception {
    ScenarioCheck check = ScenarioChecks.oneBackServes("kill");
    ScenarioCheck.Result r = judge(check, twoKills().ack(0, 8_100, 9_300, 0, 0, 1));
    assertThat(r.passed()).isTrue();
    assertThat(r.measurement()).isEqualTo("resumed-ms-after-one-back=1300 acknowledged-with-two-down=0");
    assertThat(judge(check, twoKills()).passed()).isFalse();
    assertThat(judge(check, twoKills().ack(0, 4_000, 4_100, 0, 0, 1).ack(0, 8_100, 9_300, 0, 1, 2)).passed())
        .isFalse();
  }

  @Test
  void failedSendsAndAcknowledgementsWhileDownAreCounted() throws Exception {
    HistoryText h = new HistoryText().fault("kill", 1_000, 9_000, "n3").ack(0, 2_000, 2_100, 0, 0, 1)
        .timeout(1, 3_000, 6_000, 1, 2);
    assertThat(judge(ScenarioChecks.noFailedSends(), h).measurement()).isEqualTo("failed-or-unknown-sends=1");
    assertThat(judge(ScenarioChecks.noFailedSends(), h).passed()).isFalse();
    assertThat(judge(ScenarioChecks.acknowledgedWhileDown("kill", 1), h).passed()).isTrue();
    assertThat(judge(ScenarioChecks.acknowledgedWhileDown("kill", 2), h).passed()).isFalse();
  }

  @Test
  void latencyIsTheMedianAcknowledgementTimeDuringAgainstBefore() throws Exception {
    HistoryText h = new HistoryText().ack(0, 0, 10, 0, 0, 1).ack(0, 20, 30, 0, 1, 2).ack(0, 40, 50, 0, 2, 3)
        .fault("latency", 1_000, 5_000).ack(0, 1_100, 1_350, 0, 3, 4).ack(0, 1_400, 1_650, 0, 4, 5);
    ScenarioCheck.Result r = judge(ScenarioChecks.latencyAdded("latency", 200), h);
    assertThat(r.measurement()).isEqualTo("ack-p50-ms before=10 during=250");
    assertThat(r.passed()).isTrue();
    assertThat(judge(ScenarioChecks.latencyAdded("latency", 300), h).passed()).isFalse();
  }

  @Test
  void replicaAgreementIsReadFromResultsWithItsLaggingReplicas() throws Exception {
    HistoryText h = new HistoryText();
    assertThat(judge(ScenarioChecks.replicasAgree(false), h).measurement()).isEqualTo("replica-agreement=not-recorded");
    Files.writeString(runDir.resolve("results.edn"), "{:valid? true\n :replica-agreement {:agree? true :groups 4 "
        + ":entries-compared 3139 :divergences [] :lagging [{:group \"p-0\" :node \"n3\" :last 5 :committed 9}]}}\n");
    assertThat(judge(ScenarioChecks.replicasAgree(false), h).passed()).isTrue();
    ScenarioCheck.Result strict = judge(ScenarioChecks.replicasAgree(true), h);
    assertThat(strict.passed()).isFalse();
    assertThat(strict.measurement()).isEqualTo("entries-compared=3139 groups=4 lagging=1");
    Files.writeString(runDir.resolve("results.edn"), "{:valid? false\n :replica-agreement {:agree? false :groups 4 "
        + ":entries-compared 3139 :divergences [{:group \"p-0\" :index 7}] :lagging []}}\n");
    assertThat(judge(ScenarioChecks.replicasAgree(false), h).passed()).isFalse();
  }

  @Test
  void aFaultWhoseStartFailedIsNotInPlace() throws Exception {
    HistoryText h = new HistoryText().fault("kill", 1_000, 2_000, "n1");
    assertThat(judge(ScenarioChecks.faultsInPlace(1), h).passed()).isTrue();
    assertThat(judge(ScenarioChecks.faultsInPlace(2), h).measurement()).isEqualTo("faults-in-place=1/2");
  }
}
