package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.Keyword;

class NemesisTest {
  private static final List<String> NODES = List.of("n1", "n2", "n3");
  private static final Keyword TARGETS = Keyword.newKeyword("targets");

  private final List<NemesisEvent> events = new ArrayList<>();
  private final FaultTally tally = new FaultTally(events::add);
  private final RecordingTestbed bed = new RecordingTestbed();
  private final Nemesis nemesis = new Nemesis(bed, NODES, tally, () -> 0);

  private static FaultPlan.Step step(String fault, Injection injection) {
    return new FaultPlan.Step(0, 1, FaultRegistry.find(fault).orElseThrow(), injection);
  }

  @Test
  void eachFaultIsRecordedAsStartAndStopWithTheNodesItHit() {
    FaultPlan.Step kill = step("kill-majority", Injection.of(List.of("n2", "n3")));
    nemesis.heal(kill, nemesis.start(kill));
    assertThat(events).extracting(NemesisEvent::phase, NemesisEvent::f).containsExactly(
        org.assertj.core.groups.Tuple.tuple("invoke", "start-kill-majority"),
        org.assertj.core.groups.Tuple.tuple("info", "start-kill-majority"),
        org.assertj.core.groups.Tuple.tuple("invoke", "stop-kill-majority"),
        org.assertj.core.groups.Tuple.tuple("info", "stop-kill-majority"));
    assertThat(((Map<?, ?>) events.get(0).value()).get(TARGETS)).isEqualTo(List.of("n2", "n3"));
    assertThat(events.get(1).value()).isEqualTo("killed=[n2, n3]");
    assertThat(tally.total()).isEqualTo(1);
    assertThat(tally.byFault()).containsExactly(Map.entry("kill-majority", 1L));
  }

  @Test
  void clientLeaderCutRecordsTheLeaderItCutAndHealsTheNetwork() {
    bed.leader = "n3";
    FaultPlan.Step cut = step("client-leader-cut", Injection.of(List.of()));
    nemesis.heal(cut, nemesis.start(cut));
    assertThat(((Map<?, ?>) events.get(0).value()).get(TARGETS)).isEqualTo(List.of("n3"));
    assertThat(bed.calls).containsExactly("cut-from-clients [n3]", "heal-network");
  }

  @Test
  void aLeaderThatCannotBeFoundIsRecordedAsAFailedStartAndTheRunGoesOn() {
    bed.leaderFailure = new IllegalStateException("topic=t reason=no-leader");
    FaultPlan.Step cut = step("client-leader-cut", Injection.of(List.of()));
    nemesis.start(cut);
    assertThat(events).extracting(NemesisEvent::phase).containsExactly("invoke", "info");
    assertThat(events.get(1).value()).isEqualTo("error=topic=t reason=no-leader");
    assertThat(bed.calls).isEmpty();
    assertThat(tally.total()).as("a failed start is not a fault put in place").isZero();
  }

  @Test
  void theFinalHealHealsTheNetworkAndResumesAndStartsEveryNode() {
    nemesis.healAll();
    assertThat(bed.calls).containsExactly("heal-network", "resume n1", "start n1", "resume n2", "start n2",
        "resume n3", "start n3");
    assertThat(events).extracting(NemesisEvent::f).containsExactly("heal-all", "heal-all");
  }
}
