package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoseUnsyncedFaultTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");
  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

  private static Draw draw(List<String> nodes, long seed) {
    return new Draw(nodes, new Random(seed), List.of());
  }

  @Test
  void oneNodeOrEveryNodeIsHitAndTheSameSeedHitsTheSameNodes() {
    LoseUnsyncedFault one = new LoseUnsyncedFault(ProcessFault.Scope.ONE);
    LoseUnsyncedFault all = new LoseUnsyncedFault(ProcessFault.Scope.ALL);
    Set<String> hit = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      assertThat(one.pick(draw(THREE, seed)).targets()).hasSize(1);
      hit.addAll(one.pick(draw(FIVE, seed)).targets());
      assertThat(all.pick(draw(FIVE, seed)).targets()).containsExactlyInAnyOrderElementsOf(FIVE);
      assertThat(all.pick(draw(THREE, seed)).targets()).containsExactlyInAnyOrderElementsOf(THREE);
    }
    assertThat(hit).as("seeds spread the single target").hasSize(5);
    assertThat(one.pick(draw(FIVE, 9))).isEqualTo(one.pick(draw(FIVE, 9)));
  }

  @Test
  void startCutsPowerToEveryTargetThenHealStartsThemAndOnlyLabHostsHaveTheLazyDataDir() {
    RecordingTestbed bed = new RecordingTestbed();
    LoseUnsyncedFault all = new LoseUnsyncedFault(ProcessFault.Scope.ALL);
    Injection targets = Injection.of(List.of("n2", "n1", "n3"));
    assertThat(all.start(targets, bed)).isEqualTo("lost-unsynced=[n2:files=3, n1:files=3, n3:files=3]");
    assertThat(all.heal(targets, bed)).isEqualTo("started=[n2, n1, n3]");
    assertThat(bed.calls).containsExactly("lose-unsynced n2", "lose-unsynced n1", "lose-unsynced n3", "start n2",
        "start n1", "start n3");
    assertThat(all.name()).isEqualTo("lose-unsynced-all");
    assertThat(all.sites()).containsExactly(Site.LAB);
    assertThat(all.needsLazyDataDir()).isTrue();
    assertThat(new ProcessFault(ProcessFault.Action.KILL, ProcessFault.Scope.ONE).needsLazyDataDir()).isFalse();
  }

  @Test
  void onlyOneOrAllNodesLosePower() {
    assertThatThrownBy(() -> new LoseUnsyncedFault(ProcessFault.Scope.MAJORITY))
        .hasMessage("scope=MAJORITY reason=lose-unsynced-is-one-or-all");
  }
}
