package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
