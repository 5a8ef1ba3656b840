package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  private static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "n5");
  private static final FaultPlan.Timing TIMING = new FaultPlan.Timing(1_000, 5_000, 2_000, 8_000);

  @Test
  void sameSeedSamePlanDifferentSeedDifferentPlan() {
    List<FaultKind> kinds = List.of(FaultKind.PARTITION, FaultKind.KILL, FaultKind.PAUSE);
    var a = FaultPlan.generate(42, kinds, NODES, 120_000, TIMING, false);
    assertThat(FaultPlan.generate(42, kinds, NODES, 120_000, TIMING, false)).isEqualTo(a);
    assertThat(FaultPlan.generate(43, kinds, NODES, 120_000, TIMING, false)).isNotEqualTo(a);
  }

  @Test
  void faultsAlternateStartStopWithinTheRunAndNeverOverlap() {
    var plan = FaultPlan.generate(7, List.of(FaultKind.values()), NODES, 60_000, TIMING, true);
    assertThat(plan).isNotEmpty();
    long last = 0;
    for (int i = 0; i < plan.size(); i += 2) {
      FaultPlan.Step start = plan.get(i);
      FaultPlan.Step stop = plan.get(i + 1);
      assertThat(start.start()).isTrue();
      assertThat(stop.start()).isFalse();
      assertThat(stop.kind()).isEqualTo(start.kind());
      assertThat(stop.nodes()).isEqualTo(start.nodes());
      assertThat(start.atMillis()).isGreaterThanOrEqualTo(last + TIMING.quietMinMillis());
      assertThat(stop.atMillis()).isGreaterThanOrEqualTo(start.atMillis()).isLessThanOrEqualTo(60_000);
      last = stop.atMillis();
    }
  }

  @Test
  void killAndPauseHitAMinorityAndPartitionsUseKnownShapes() {
    var plan = FaultPlan.generate(3, List.of(FaultKind.KILL, FaultKind.PAUSE, FaultKind.PARTITION), NODES,
        600_000, TIMING, false);
    for (FaultPlan.Step s : plan) {
      if (s.kind() == FaultKind.PARTITION) {
        assertThat(FaultPlan.SHAPES).contains(s.shape());
        assertThat(s.nodes()).containsExactlyInAnyOrderElementsOf(NODES);
      } else {
        assertThat(s.nodes().size()).isBetween(1, 2);
      }
    }
    assertThat(plan.stream().map(FaultPlan.Step::kind).distinct()).hasSize(3);
  }

  @Test
  void noFaultsNoSteps() {
    assertThat(FaultPlan.generate(1, List.of(), NODES, 60_000, TIMING, false)).isEmpty();
  }

  @Test
  void partitionsDrawOnlyFromTheShapesAsked() {
    var plan = FaultPlan.generate(9, List.of(FaultKind.PARTITION), NODES, 300_000, TIMING, List.of("isolate-leader"));
    assertThat(plan).isNotEmpty().allSatisfy(s -> assertThat(s.shape()).isEqualTo("isolate-leader"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FaultPlan.generate(9, List.of(FaultKind.PARTITION),
        List.of("n1", "n2"), 60_000, TIMING, List.of("bridge"))).hasMessageContaining("no-usable-partition-shape");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FaultPlan.generate(9, List.of(FaultKind.PARTITION),
        NODES, 60_000, TIMING, List.of("zigzag"))).hasMessageContaining("shape=zigzag");
  }
}
