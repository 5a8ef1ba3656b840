package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DiskErrorFaultTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");
  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

  private static Draw draw(List<String> nodes, long seed) {
    return new Draw(nodes, new Random(seed), List.of());
  }

  @Test
  void diskEioHitsTheLeaderKnownWhenItStartsAndDiskFullHitsEveryNode() {
    DiskErrorFault eio = DiskErrorFault.eio();
    DiskErrorFault full = DiskErrorFault.full();
    RecordingTestbed bed = new RecordingTestbed();
    bed.leader = "n3";
    for (long seed = 0; seed < 10; seed++) {
      assertThat(eio.pick(draw(FIVE, seed)).targets()).isEmpty();
      assertThat(eio.resolve(eio.pick(draw(THREE, seed)), bed).targets()).containsExactly("n3");
      assertThat(full.pick(draw(FIVE, seed)).targets()).containsExactlyInAnyOrderElementsOf(FIVE);
      assertThat(full.pick(draw(THREE, seed)).targets()).containsExactlyInAnyOrderElementsOf(THREE);
    }
    assertThat(full.pick(draw(FIVE, 9))).isEqualTo(full.pick(draw(FIVE, 9)));
    assertThat(eio.problem(draw(List.of("n1"), 1))).isEqualTo("fault=disk-eio nodes=1 reason=needs-at-least-2-nodes");
    assertThat(List.of(eio.name(), full.name())).containsExactly("disk-eio", "disk-full");
    assertThat(eio.sites()).containsExactly(Site.LAB);
    assertThat(full.sites()).containsExactly(Site.LAB);
    assertThat(eio.needsLazyDataDir() && full.needsLazyDataDir()).isTrue();
    assertThat(eio.chronikOnlyBecause()).isNotNull();
    assertThat(eio.byDefault() || full.byDefault()).isFalse();
  }

  @Test
  void diskEioSwitchesErrorsOnThenHealSwitchesThemOffAsksTheLeaderAndRestartsTheFencedNode() {
    DiskErrorFault eio = DiskErrorFault.eio();
    RecordingTestbed bed = new RecordingTestbed();
    Injection leader = Injection.of(List.of("n1"));
    assertThat(eio.start(leader, bed)).isEqualTo("disk-errors=eio nodes=[n1]");
    bed.halted.add("n1");
    bed.leader = "n2";
    assertThat(eio.heal(leader, bed)).isEqualTo("disk-errors=off fenced=[n1] leader-while-fenced=n2 restarted=[n1]");
    assertThat(bed.calls).containsExactly("disk-errors n1 eio", "disk-errors n1 off", "running n1", "start n1");
  }

  @Test
  void diskFullHealsEveryNodeBeforeRestartingOnlyTheOnesThatHalted() {
    DiskErrorFault full = DiskErrorFault.full();
    RecordingTestbed bed = new RecordingTestbed();
    Injection all = Injection.of(List.of("n2", "n1", "n3"));
    assertThat(full.start(all, bed)).isEqualTo("disk-errors=enospc nodes=[n2, n1, n3]");
    bed.halted.addAll(List.of("n2", "n3"));
    assertThat(full.heal(all, bed)).isEqualTo("disk-errors=off fenced=[n2, n3] restarted=[n2, n3]");
    assertThat(bed.calls).containsExactly("disk-errors n2 enospc", "disk-errors n1 enospc", "disk-errors n3 enospc",
        "disk-errors n2 off", "disk-errors n1 off", "disk-errors n3 off", "running n2", "running n1", "running n3",
        "start n2", "start n3");
  }

  @Test
  void aHealWithoutALeaderStillRestartsTheFencedNode() {
    RecordingTestbed bed = new RecordingTestbed();
    bed.halted.add("n1");
    bed.leaderFailure = new IllegalStateException("topic=t partition=0 reason=no-leader");
    assertThat(DiskErrorFault.eio().heal(Injection.of(List.of("n1")), bed))
        .isEqualTo("disk-errors=off fenced=[n1] leader-while-fenced=none error=topic=t_partition=0_reason=no-leader restarted=[n1]");
    assertThat(bed.calls).endsWith("start n1");
  }
}
