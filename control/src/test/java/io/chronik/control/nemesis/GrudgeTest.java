package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrudgeTest {
  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

  @Test
  void isolateCutsOneNodeFromAllOthersBothWays() {
    Grudge g = Grudge.isolate(FIVE, "n3");
    assertThat(g.dropsFrom("n3")).containsExactlyInAnyOrder("n1", "n2", "n4", "n5");
    assertThat(g.dropsFrom("n1")).containsExactly("n3");
    assertThat(g.connected("n1", "n2")).isTrue();
    assertThat(g.connected("n3", "n5")).isFalse();
  }

  @Test
  void halvesSplitMinorityFromMajority() {
    Grudge g = Grudge.halves(FIVE);
    assertThat(g.dropsFrom("n1")).containsExactlyInAnyOrder("n3", "n4", "n5");
    assertThat(g.dropsFrom("n2")).containsExactlyInAnyOrder("n3", "n4", "n5");
    assertThat(g.dropsFrom("n4")).containsExactlyInAnyOrder("n1", "n2");
    assertThat(g.connected("n1", "n2")).isTrue();
    assertThat(g.connected("n3", "n5")).isTrue();
  }

  @Test
  void bridgeNodeSeesBothHalvesWhichDoNotSeeEachOther() {
    Grudge g = Grudge.bridge(FIVE);
    assertThat(g.dropsFrom("n3")).isEmpty();
    assertThat(g.dropsFrom("n1")).containsExactlyInAnyOrder("n4", "n5");
    assertThat(g.dropsFrom("n5")).containsExactlyInAnyOrder("n1", "n2");
    assertThat(g.connected("n3", "n1")).isTrue();
    assertThat(g.connected("n3", "n5")).isTrue();
    assertThat(g.connected("n2", "n4")).isFalse();
    assertThatThrownBy(() -> Grudge.bridge(List.of("a", "b"))).hasMessageContaining("bridge-needs-3");
  }

  @Test
  void majoritiesRingGivesEveryNodeAMajorityButNoTwoNeighboursTheSameOne() {
    Grudge g = Grudge.majoritiesRing(FIVE);
    assertThat(g.dropsFrom("n1")).containsExactlyInAnyOrder("n3", "n4");
    assertThat(g.dropsFrom("n3")).containsExactlyInAnyOrder("n1", "n5");
    for (String node : FIVE) {
      assertThat(FIVE.size() - g.dropsFrom(node).size()).as("view of %s", node).isGreaterThanOrEqualTo(3);
    }
    assertThat(g.dropsFrom("n1")).isNotEqualTo(g.dropsFrom("n2"));
  }

  @Test
  void everyShapeIsSymmetric() {
    for (Grudge g : List.of(Grudge.isolate(FIVE, "n2"), Grudge.halves(FIVE), Grudge.bridge(FIVE),
        Grudge.majoritiesRing(FIVE), Grudge.majoritiesRing(List.of("a", "b", "c", "d", "e", "f", "g")))) {
      for (Map.Entry<String, Set<String>> e : g.drops().entrySet()) {
        for (String dropped : e.getValue()) {
          assertThat(g.dropsFrom(dropped)).as("%s drops %s in %s", e.getKey(), dropped, g).contains(e.getKey());
        }
      }
    }
  }

  @Test
  void isolateLeaderAsksTheCallerWhoLeads() {
    Grudge g = Grudge.isolateLeader(FIVE, nodes -> "n4");
    assertThat(g.dropsFrom("n4")).hasSize(4);
    assertThatThrownBy(() -> Grudge.isolateLeader(FIVE, nodes -> "n9")).hasMessageContaining("not-in-cluster");
  }
}
