package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorruptFaultTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");
  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");
  private final CorruptFault corrupt = new CorruptFault();

  private static Draw draw(List<String> nodes, long seed) {
    return new Draw(nodes, new Random(seed), List.of());
  }

  @Test
  void oneNodeAndADamageSeedAreDrawnAndTheSameSeedDrawsThemAgain() {
    Set<String> hit = new HashSet<>();
    Set<Long> damageSeeds = new HashSet<>();
    for (long seed = 0; seed < 30; seed++) {
      Injection three = corrupt.pick(draw(THREE, seed));
      assertThat(three.targets()).hasSize(1).isSubsetOf(THREE);
      assertThat(three.shape()).matches("damage-seed=-?\\d+");
      assertThat(corrupt.pick(draw(THREE, seed))).isEqualTo(three);
      damageSeeds.add(CorruptFault.seedOf(three));
      hit.addAll(corrupt.pick(draw(FIVE, seed)).targets());
    }
    assertThat(hit).as("seeds spread the target").hasSize(5);
    assertThat(damageSeeds).hasSize(30);
    assertThat(corrupt.pick(draw(THREE, 4)).edn().toString()).contains("[n").contains("damage-seed=");
  }

  @Test
  void startKillsTheNodeThenDamagesItsFilesWithTheDrawnSeedAndHealStartsIt() {
    RecordingTestbed bed = new RecordingTestbed();
    Injection injection = new Injection(List.of("n2"), "damage-seed=-42", List.of());
    assertThat(corrupt.start(injection, bed))
        .isEqualTo("killed=n2 corrupt=flip file=raft/g/00000000000000000001.log offset=7 size=100 byte=0->255");
    assertThat(corrupt.heal(injection, bed)).isEqualTo("started=[n2]");
    assertThat(bed.calls).containsExactly("kill n2", "corrupt n2 -42", "start n2");
    assertThatThrownBy(() -> corrupt.start(Injection.of(List.of("n1")), bed))
        .hasMessage("shape= reason=expected-damage-seed=N");
  }

  @Test
  void registeredOnceRunsOnLabHostsOnlyIsNoDefaultAndAsksForSmallSegments() {
    assertThat(FaultRegistry.all()).filteredOn(f -> f.name().equals("corrupt")).singleElement()
        .isInstanceOf(CorruptFault.class);
    assertThat(FaultRegistry.problem(List.of("corrupt"), Site.LAB)).isNull();
    assertThat(FaultRegistry.select(List.of("kill", "corrupt"), Site.LAB)).extracting(Fault::name)
        .containsExactly("kill", "corrupt");
    for (Site elsewhere : List.of(Site.LOCAL, Site.VMS)) {
      assertThat(FaultRegistry.problem(List.of("corrupt"), elsewhere)).startsWith("fault=corrupt site=" + elsewhere.label()
          + " reason=not-available-here runs-on=[lab]");
    }
    for (Site site : Site.values()) {
      assertThat(FaultRegistry.defaults(site)).doesNotContain("corrupt");
    }
    assertThat(FaultRegistry.table()).contains("  corrupt (lab)\n      " + corrupt.help());
    assertThat(corrupt.topicConfigs()).isEqualTo(Map.of("segment.bytes", "2048"));
    assertThat(new ProcessFault(ProcessFault.Action.KILL, ProcessFault.Scope.ONE).topicConfigs()).isEmpty();
    assertThat(corrupt.chronikOnlyBecause()).contains("raft/<group>/");
    assertThat(corrupt.problem(draw(List.of("n1"), 1))).isEqualTo("fault=corrupt nodes=1 reason=needs-at-least-2-nodes");
    assertThat(corrupt.problem(draw(List.of("n1", "n2"), 1))).isNull();
  }
}
