package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  private static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "n5");
  private static final FaultPlan.Timing TIMING = new FaultPlan.Timing(1_000, 5_000, 2_000, 8_000);
  private static final List<String> SHAPES = PartitionFault.LABELS;

  private static List<Fault> faults(String... names) {
    return FaultRegistry.select(List.of(names), Site.LAB);
  }

  @Test
  void sameSeedSamePlanDifferentSeedDifferentPlan() {
    List<Fault> faults = faults("partition", "kill", "pause");
    var a = FaultPlan.generate(42, faults, NODES, SHAPES, 120_000, TIMING);
    assertThat(FaultPlan.generate(42, faults, NODES, SHAPES, 120_000, TIMING)).isEqualTo(a);
    assertThat(FaultPlan.generate(43, faults, NODES, SHAPES, 120_000, TIMING)).isNotEqualTo(a);
  }

  @Test
  void faultsFollowOneAnotherWithinTheRunAndNeverOverlap() {
    List<Fault> every = FaultRegistry.all().stream().filter(f -> f.sites().contains(Site.LAB)).toList();
    var plan = FaultPlan.generate(7, every, NODES, SHAPES, List.of("p1", "c1"), 60_000, TIMING);
    assertThat(plan).isNotEmpty();
    long last = 0;
    for (FaultPlan.Step step : plan) {
      assertThat(step.startMillis()).isGreaterThanOrEqualTo(last + TIMING.quietMinMillis());
      assertThat(step.healMillis()).isGreaterThanOrEqualTo(step.startMillis()).isLessThanOrEqualTo(60_000);
      last = step.healMillis();
    }
  }

  @Test
  void killAndPauseHitOneNodeAndPartitionsUseKnownShapesOverEveryNode() {
    var plan = FaultPlan.generate(3, faults("kill", "pause", "partition"), NODES, SHAPES, 600_000, TIMING);
    for (FaultPlan.Step s : plan) {
      if (s.fault().name().equals("partition")) {
        assertThat(SHAPES).contains(s.injection().shape());
        assertThat(s.injection().arrangement()).containsExactlyInAnyOrderElementsOf(NODES);
      } else {
        assertThat(s.injection().targets()).hasSize(1).isSubsetOf(NODES);
      }
    }
    assertThat(plan.stream().map(s -> s.fault().name()).distinct()).hasSize(3);
  }

  @Test
  void noFaultsNoSteps() {
    assertThat(FaultPlan.generate(1, List.of(), NODES, SHAPES, 60_000, TIMING)).isEmpty();
  }

  @Test
  void partitionsDrawOnlyFromTheShapesAskedAndRefuseShapesThatCannotBeLaid() {
    var plan = FaultPlan.generate(9, faults("partition"), NODES, List.of("isolate-leader"), 300_000, TIMING);
    assertThat(plan).isNotEmpty().allSatisfy(s -> assertThat(s.injection().shape()).isEqualTo("isolate-leader"));
    assertThatThrownBy(() -> FaultPlan.generate(9, faults("partition"), List.of("n1", "n2"), List.of("bridge"),
        60_000, TIMING)).hasMessageContaining("no-usable-partition-shape");
    assertThatThrownBy(() -> FaultPlan.generate(9, faults("partition"), NODES, List.of("zigzag"), 60_000, TIMING))
        .hasMessageContaining("shape=zigzag");
  }

  @Test
  void aFaultThatNeedsMoreNodesIsRefusedBeforeTheRun() {
    assertThatThrownBy(() -> FaultPlan.generate(1, faults("kill-minority"), List.of("n1"), SHAPES, 60_000, TIMING))
        .hasMessageContaining("fault=kill-minority").hasMessageContaining("nodes=1")
        .hasMessageContaining("reason=needs-at-least-3-nodes");
  }
}
