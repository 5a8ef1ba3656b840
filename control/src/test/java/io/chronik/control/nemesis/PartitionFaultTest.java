package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.nemesis.PartitionFault.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PartitionFaultTest {
  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

  @Test
  void theRecordedTargetsAreTheNodesTheShapeCutsOff() {
    assertThat(PartitionFault.cutOff(Shape.ISOLATE_ONE, FIVE)).containsExactly("n1");
    assertThat(PartitionFault.cutOff(Shape.HALVES, FIVE)).containsExactly("n1", "n2");
    assertThat(PartitionFault.cutOff(Shape.BRIDGE, FIVE)).containsExactly("n1", "n2", "n4", "n5");
    assertThat(PartitionFault.cutOff(Shape.MAJORITIES_RING, FIVE)).containsExactlyElementsOf(FIVE);
    for (Shape s : List.of(Shape.ISOLATE_ONE, Shape.HALVES, Shape.BRIDGE)) {
      List<String> cut = PartitionFault.cutOff(s, FIVE);
      Grudge g = PartitionFault.grudge(s, FIVE, cut);
      for (String node : cut) {
        assertThat(g.dropsFrom(node)).as("%s: %s is cut from someone", s, node).isNotEmpty();
      }
    }
  }

  @Test
  void isolateLeaderIsolatesTheLeaderAskedWhenItStarts() {
    RecordingTestbed bed = new RecordingTestbed();
    bed.leader = "n4";
    PartitionFault partition = new PartitionFault();
    Injection picked = partition.pick(new Draw(FIVE, new Random(1), List.of("isolate-leader")));
    assertThat(picked.targets()).isEmpty();
    Injection resolved = partition.resolve(picked, bed);
    assertThat(resolved.targets()).containsExactly("n4");
    partition.start(resolved, bed);
    partition.heal(resolved, bed);
    assertThat(bed.calls).containsExactly("partition", "heal-network");
    assertThat(bed.lastGrudge.dropsFrom("n4")).containsExactlyInAnyOrder("n1", "n2", "n3", "n5");
    for (String other : List.of("n1", "n2", "n3", "n5")) {
      assertThat(bed.lastGrudge.dropsFrom(other)).containsExactly("n4");
    }
  }

  @Test
  void shapesThatNeedMoreNodesAreNotDrawnOnSmallClusters() {
    PartitionFault partition = new PartitionFault();
    for (long seed = 0; seed < 30; seed++) {
      Injection i = partition.pick(new Draw(List.of("n1", "n2", "n3"), new Random(seed), PartitionFault.LABELS));
      assertThat(i.shape()).isNotEqualTo("majorities-ring");
    }
  }
}
