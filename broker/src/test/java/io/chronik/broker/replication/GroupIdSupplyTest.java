package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GroupIdSupplyTest {
  @Test
  void exactlyWhatIsLeftMayBeTakenAndOneMoreIsRefusedWithTheFigures() {
    GroupIdSupply ids = new GroupIdSupply(8, 5);
    assertThat(ids.left()).isEqualTo(3);
    assertThat(ids.refusal(3)).isNull();
    assertThat(ids.refusal(4)).isEqualTo("reason=raft-groups-exhausted groupsMax=8 groupsLeft=3 requested=4");
    assertThat(ids.after(3)).isEqualTo(new GroupIdSupply(8, 8));
    assertThat(ids.after(3).refusal(1)).isEqualTo("reason=raft-groups-exhausted groupsMax=8 groupsLeft=0 requested=1");
  }

  /** A cap set below the ids a cluster already spent leaves none, never a negative count. */
  @Test
  void aCapBelowTheSpentIdsLeavesNone() {
    GroupIdSupply ids = new GroupIdSupply(4, 9);
    assertThat(ids.left()).isZero();
    assertThat(ids.refusal(0)).isNull();
    assertThat(ids.refusal(1)).isEqualTo("reason=raft-groups-exhausted groupsMax=4 groupsLeft=0 requested=1");
  }

  @Test
  void takingMoreThanIsLeftIsAnError() {
    assertThatThrownBy(() -> new GroupIdSupply(8, 5).after(4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("taken=4 groupsLeft=3 reason=out-of-range");
  }

  @Test
  void retiredIdsGoFirstLowestFirstEachAsItsNextIncarnationThenFreshOnes() {
    GroupIdSupply ids = new GroupIdSupply(8, 6).released(Map.of(4, 0, 2, 3));
    assertThat(ids.left()).isEqualTo(4);

    assertThat(ids.take(3)).containsExactly(new GroupIdSupply.Grant(2, 4), new GroupIdSupply.Grant(4, 1),
        new GroupIdSupply.Grant(6, 0));
    assertThat(ids.after(3)).isEqualTo(new GroupIdSupply(8, 7));
    assertThat(ids.after(1)).isEqualTo(new GroupIdSupply(8, 6, new TreeMap<>(Map.of(4, 0))));
    assertThat(ids.refusal(5)).isEqualTo("reason=raft-groups-exhausted groupsMax=8 groupsLeft=4 requested=5");
  }

  /** Ids at once, not over the cluster's life: a full supply is refilled by a deletion. */
  @Test
  void aDeletionRefillsAnExhaustedSupply() {
    GroupIdSupply full = new GroupIdSupply(4, 4);
    assertThat(full.refusal(1)).isNotNull();

    GroupIdSupply refilled = full.released(Map.of(1, 0, 2, 0, 3, 0));

    assertThat(refilled.refusal(3)).isNull();
    assertThat(refilled.take(3)).extracting(GroupIdSupply.Grant::incarnation).containsExactly(1, 1, 1);
  }

  @Test
  void anIdNeverHandedOutOrRetiredTwiceIsRefused() {
    assertThatThrownBy(() -> new GroupIdSupply(8, 3).released(Map.of(5, 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=bad-retired-group-id");
    assertThatThrownBy(() -> new GroupIdSupply(8, 3).released(Map.of(1, 0)).released(Map.of(1, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("group=1 reason=retired-twice");
    assertThat(List.of(new GroupIdSupply(8, 3).released(Map.of(1, 0)))).hasSize(1);
  }
}
