package io.chronik.raft.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

  @Test
  void committedIndexIsMajorityIndexOfEachHalfWhenJoint() {
    Configuration joint = new Configuration(new TreeSet<>(Set.of(3, 4, 5)), new TreeSet<>(Set.of(1, 2, 3)), new TreeSet<>());
    Map<Integer, Long> acked = Map.of(1, 9L, 2, 9L, 3, 2L, 4, 5L, 5, 1L);
    // old half {1,2,3}: 9; new half {3,4,5}: 2
    assertThat(joint.committedIndex(id -> acked.getOrDefault(id, 0L))).isEqualTo(2);
  }

  @Test
  void jointQuorumNeedsBothHalves() {
    Configuration joint = new Configuration(new TreeSet<>(Set.of(3, 4, 5)), new TreeSet<>(Set.of(1, 2, 3)), new TreeSet<>());
    assertThat(joint.hasQuorum(id -> id == 1 || id == 2)).isFalse();
    assertThat(joint.hasQuorum(id -> id <= 4)).isTrue();
    assertThat(joint.quorumImpossible(id -> id == 4 || id == 5)).isTrue();
  }

  @Test
  void configChangeRoundTripsAndEntersAndLeavesJoint() {
    Configuration c = Configuration.of(List.of(1, 2, 3));
    ConfigChange change = ConfigChange.toward(c, new TreeSet<>(Set.of(1, 2, 4)), new TreeSet<>(Set.of(3)));
    ConfigChange decoded = ConfigChange.decode(change.encode());
    assertThat(decoded).isEqualTo(change);
    Configuration joint = decoded.applyTo(c);
    assertThat(joint.joint()).isTrue();
    assertThat(joint.isVoter(3)).isTrue();
    Configuration after = ConfigChange.leaveJoint().applyTo(joint);
    assertThat(after.voters()).containsExactly(1, 2, 4);
    assertThat(after.learners()).containsExactly(3);
    assertThat(after.isVoter(3)).isFalse();
  }
}
