package io.chronik.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class GroupCoordinatorTest {
  private final GroupCoordinator coordinator = new GroupCoordinator(1000, 60000, 0);
  private long now = 1_000;

  private GroupCoordinator.JoinRequest join(String memberId) {
    return new GroupCoordinator.JoinRequest("g", memberId, null, "client", "127.0.0.1", "consumer",
        List.of(new Group.Protocol("range", new byte[] {1})), 3000, 5000, true);
  }

  /** Joins with the KIP-394 two-step handshake; returns the parked join's response holder. */
  private List<JoinGroupResponseData> joinNew() {
    List<JoinGroupResponseData> first = new ArrayList<>();
    coordinator.join(join(""), now, first::add);
    assertThat(first.get(0).errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
    List<JoinGroupResponseData> second = new ArrayList<>();
    coordinator.join(join(first.get(0).memberId()), now, second::add);
    return second;
  }

  private Errors sync(String member, int generation, Map<String, byte[]> assignment) {
    List<SyncGroupResponseData> out = new ArrayList<>();
    coordinator.sync("g", member, generation, assignment, now, out::add);
    return out.isEmpty() ? null : Errors.forCode(out.get(0).errorCode());
  }

  @Test
  void firstMemberBecomesLeaderAndGroupGetsStable() {
    List<JoinGroupResponseData> a = joinNew();
    assertThat(a).hasSize(1);
    JoinGroupResponseData r = a.get(0);
    assertThat(r.errorCode()).isZero();
    assertThat(r.leader()).isEqualTo(r.memberId());
    assertThat(r.generationId()).isEqualTo(1);
    assertThat(sync(r.memberId(), 1, Map.of(r.memberId(), new byte[] {9}))).isEqualTo(Errors.NONE);
    assertThat(coordinator.group("g").state()).isEqualTo(Group.State.STABLE);
  }

  @Test
  void secondMemberTriggersRebalanceAndBothGetNewGeneration() {
    JoinGroupResponseData a = joinNew().get(0);
    sync(a.memberId(), 1, Map.of());
    List<JoinGroupResponseData> b = joinNew();
    assertThat(b).as("parked until the leader rejoins").isEmpty();
    assertThat(coordinator.heartbeat("g", a.memberId(), 1, now)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    List<JoinGroupResponseData> aAgain = new ArrayList<>();
    coordinator.join(join(a.memberId()), now, aAgain::add);
    assertThat(aAgain.get(0).generationId()).isEqualTo(2);
    assertThat(aAgain.get(0).members()).hasSize(2);
    assertThat(b.get(0).generationId()).isEqualTo(2);
    assertThat(b.get(0).members()).isEmpty();
    assertThat(sync(b.get(0).memberId(), 2, Map.of())).as("follower waits for leader").isNull();
    assertThat(sync(a.memberId(), 1, Map.of())).isEqualTo(Errors.ILLEGAL_GENERATION);
  }

  @Test
  void expiredSessionRemovesMemberAndRebalances() {
    JoinGroupResponseData a = joinNew().get(0);
    sync(a.memberId(), 1, Map.of());
    List<JoinGroupResponseData> b = joinNew();
    List<JoinGroupResponseData> aAgain = new ArrayList<>();
    coordinator.join(join(a.memberId()), now, aAgain::add);
    String bId = b.get(0).memberId();
    sync(a.memberId(), 2, Map.of(a.memberId(), new byte[] {1}, bId, new byte[] {2}));
    now += 2000;
    assertThat(coordinator.heartbeat("g", a.memberId(), 2, now)).isEqualTo(Errors.NONE);
    now += 2000;
    coordinator.tick(now);
    assertThat(coordinator.group("g").members()).containsOnlyKeys(a.memberId());
    assertThat(coordinator.group("g").state()).isEqualTo(Group.State.PREPARING_REBALANCE);
    assertThat(coordinator.heartbeat("g", bId, 2, now)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
  }

  @Test
  void leavingLastMemberEmptiesGroupAndSimpleCommitsAreAllowedThen() {
    JoinGroupResponseData a = joinNew().get(0);
    assertThat(coordinator.validateCommit("g", "", -1)).isEqualTo(Errors.ILLEGAL_GENERATION);
    assertThat(coordinator.leave("g", a.memberId(), now)).isEqualTo(Errors.NONE);
    assertThat(coordinator.group("g").state()).isEqualTo(Group.State.EMPTY);
    assertThat(coordinator.validateCommit("g", "", -1)).isEqualTo(Errors.NONE);
    assertThat(coordinator.leave("g", a.memberId(), now)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
  }

  @Test
  void memberThatDoesNotRejoinInTimeIsDropped() {
    JoinGroupResponseData a = joinNew().get(0);
    sync(a.memberId(), 1, Map.of());
    List<JoinGroupResponseData> b = joinNew();
    now += 5001;
    coordinator.tick(now);
    assertThat(b.get(0).generationId()).isEqualTo(2);
    assertThat(coordinator.group("g").members()).containsOnlyKeys(b.get(0).memberId());
  }
}
