package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.nemesis.ProcessFault.Action;
import io.chronik.control.nemesis.ProcessFault.Scope;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessFaultTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");
  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

  private static Draw draw(List<String> nodes, long seed) {
    return new Draw(nodes, new Random(seed), List.of());
  }

  @ParameterizedTest(name = "{0} hits {1} of 3 nodes and {2} of 5")
  @CsvSource({"kill,1,1", "kill-minority,1,2", "kill-majority,2,3", "kill-all,3,5",
      "pause,1,1", "pause-minority,1,2", "pause-majority,2,3", "pause-all,3,5", "cascading,2,3",
      "stop,1,1"})
  void targetCountsFollowTheScope(String name, int ofThree, int ofFive) {
    Fault fault = FaultRegistry.find(name).orElseThrow();
    for (long seed = 0; seed < 50; seed++) {
      List<String> three = fault.pick(draw(THREE, seed)).targets();
      List<String> five = fault.pick(draw(FIVE, seed)).targets();
      assertThat(three).hasSize(ofThree).doesNotHaveDuplicates().isSubsetOf(THREE);
      assertThat(five).hasSize(ofFive).doesNotHaveDuplicates().isSubsetOf(FIVE);
    }
  }

  @Test
  void aMinorityLeavesAQuorumAndAMajorityTakesIt() {
    for (int n = 3; n <= 7; n++) {
      assertThat(n - Scope.MINORITY.size(n)).as("survivors of a minority kill, n=%d", n).isGreaterThan(n / 2);
      assertThat(n - Scope.MAJORITY.size(n)).as("survivors of a majority kill, n=%d", n).isLessThanOrEqualTo(n / 2);
    }
  }

  @Test
  void theSameSeedHitsTheSameNodesAndSeedsSpreadOverEveryNode() {
    Fault kill = FaultRegistry.find("kill-minority").orElseThrow();
    assertThat(kill.pick(draw(FIVE, 7))).isEqualTo(kill.pick(draw(FIVE, 7)));
    Set<String> hit = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      hit.addAll(kill.pick(draw(FIVE, seed)).targets());
    }
    assertThat(hit).containsExactlyInAnyOrderElementsOf(FIVE);
  }

  @Test
  void killRestartsAndPauseResumesExactlyItsTargets() {
    RecordingTestbed bed = new RecordingTestbed();
    Injection two = Injection.of(List.of("n3", "n1"));
    Fault kill = new ProcessFault(Action.KILL, Scope.MAJORITY);
    kill.start(two, bed);
    kill.heal(two, bed);
    Fault pause = new ProcessFault(Action.PAUSE, Scope.ALL);
    pause.start(two, bed);
    pause.heal(two, bed);
    assertThat(bed.calls).containsExactly("kill n3", "kill n1", "start n3", "start n1",
        "pause n3", "pause n1", "resume n3", "resume n1");
  }

  @Test
  void killLeaderHitsTheLeaderAskedWhenItStartsAndStopIsGraceful() {
    RecordingTestbed bed = new RecordingTestbed();
    bed.leader = "n2";
    Fault killLeader = FaultRegistry.find("kill-leader").orElseThrow();
    assertThat(killLeader.pick(draw(THREE, 1)).targets()).as("unknown until it starts").isEmpty();
    Injection resolved = killLeader.resolve(killLeader.pick(draw(THREE, 1)), bed);
    assertThat(resolved.targets()).containsExactly("n2");
    killLeader.start(resolved, bed);
    killLeader.heal(resolved, bed);
    Fault stop = FaultRegistry.find("stop").orElseThrow();
    Injection one = stop.pick(draw(THREE, 3));
    assertThat(stop.start(one, bed)).isEqualTo("stopped=" + one.targets());
    stop.heal(one, bed);
    assertThat(bed.calls).containsExactly("kill n2", "start n2", "stop " + one.targets().get(0),
        "start " + one.targets().get(0));
  }
}
