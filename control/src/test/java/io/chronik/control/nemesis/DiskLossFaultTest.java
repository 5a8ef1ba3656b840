package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiskLossFaultTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");

  private static Injection pick(long seed) {
    return new DiskLossFault().pick(new Draw(THREE, new Random(seed), List.of()));
  }

  @Test
  void onceEveryNodeIsReadyKillsWipesAndStartsOneNodeAndTheHealWaitsUntilEveryNodeIsReady() {
    DiskLossFault fault = new DiskLossFault();
    Injection injection = pick(3);
    assertThat(injection.targets()).hasSize(1).isSubsetOf(THREE);
    assertThat(injection.arrangement()).as("every node, cluster order").isEqualTo(THREE);
    String node = injection.targets().get(0);
    RecordingTestbed bed = new RecordingTestbed();

    String started = fault.start(injection, bed);
    assertThat(bed.calls).containsExactly("ready n1", "ready n2", "ready n3", "kill " + node, "wipe " + node,
        "start " + node);
    assertThat(started).isEqualTo("killed-wiped-started=" + node + " ready-before=[n1, n2, n3]");

    bed.calls.clear();
    String healed = fault.heal(injection, bed);
    assertThat(bed.calls).as("start is a no-op on a running node; then every node's /ready")
        .containsExactly("start " + node, "ready n1", "ready n2", "ready n3");
    assertThat(healed).isEqualTo("rejoined=" + node + " ready=[n1, n2, n3]");
  }

  @Test
  void refusesToLoseADiskWhileANodeIsNotReadyAndTouchesNothing() {
    DiskLossFault fault = new DiskLossFault();
    Injection injection = pick(3);
    String node = injection.targets().get(0);
    String other = THREE.stream().filter(n -> !n.equals(node)).findFirst().orElseThrow();
    RecordingTestbed bed = new RecordingTestbed();
    bed.notReady.add(other);
    assertThatThrownBy(() -> fault.start(injection, bed))
        .hasMessageStartingWith("node=" + node + " reason=cluster-not-ready-before-disk-loss action=nothing-done")
        .hasMessageContaining("node=" + other + " reason=not-ready");
    assertThat(bed.calls).noneMatch(c -> c.startsWith("kill") || c.startsWith("wipe") || c.startsWith("start"));
  }

  @Test
  void aHealThatRunsOutOfTimeSaysWhichNodeWasLost() {
    Injection injection = pick(5);
    String node = injection.targets().get(0);
    RecordingTestbed bed = new RecordingTestbed();
    bed.notReady.add(node);
    assertThatThrownBy(() -> new DiskLossFault().heal(injection, bed))
        .hasMessageStartingWith("node=" + node + " reason=not-all-ready-after-disk-loss")
        .hasMessageContaining("timeout-ms=120000");
  }

  @Test
  void drawsEveryNodeOverSeedsAndReplaysASeed() {
    assertThat(pick(11)).isEqualTo(pick(11));
    Set<String> hit = new java.util.TreeSet<>();
    for (long seed = 0; seed < 30; seed++) {
      hit.addAll(pick(seed).targets());
    }
    assertThat(hit).containsExactlyElementsOf(THREE);
  }

  @Test
  void registeredOnceChronikOnlyExclusiveEverySiteNotADefaultAndNeedsThreeNodes() {
    Fault fault = FaultRegistry.find("disk-loss").orElseThrow();
    assertThat(fault).isInstanceOf(DiskLossFault.class);
    assertThat(FaultRegistry.all()).filteredOn(f -> f.name().equals("disk-loss")).hasSize(1);
    assertThat(fault.sites()).containsExactlyInAnyOrder(Site.LOCAL, Site.LAB, Site.VMS);
    assertThat(fault.byDefault()).isFalse();
    assertThat(fault.exclusive()).isTrue();
    assertThat(fault.chronikOnlyBecause()).isNotBlank();
    assertThat(fault.needsLazyDataDir()).isFalse();
    assertThat(fault.problem(new Draw(THREE, new Random(1), List.of()))).isNull();
    assertThat(fault.problem(new Draw(List.of("n1", "n2"), new Random(1), List.of())))
        .isEqualTo("fault=disk-loss nodes=2 reason=needs-at-least-3-nodes");
  }
}
