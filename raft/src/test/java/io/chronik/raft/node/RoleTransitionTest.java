package io.chronik.raft.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Impossible role changes stop the node with a named reason instead of corrupting its state (etcd panics). */
class RoleTransitionTest {

  private static RaftNode follower() {
    return new RaftNode(1, new MemoryLogStorage(), Configuration.of(List.of(1, 2, 3)), RaftOptions.defaults(),
        new SplittableRandom(1));
  }

  private static RaftNode soleLeader() {
    RaftNode node = new RaftNode(1, new MemoryLogStorage(), Configuration.of(List.of(1)), RaftOptions.defaults(),
        new SplittableRandom(1));
    node.campaign();
    node.advance(node.ready()); // its vote for itself made durable (nothing to write in memory here)
    assertThat(node.role()).isEqualTo(Role.LEADER);
    return node;
  }

  @Test
  void aFollowerCannotBecomeLeaderWithoutAnElection() {
    RaftNode node = follower();
    assertThatThrownBy(node::becomeLeader).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("from=FOLLOWER to=LEADER reason=invalid-role-transition");
  }

  @Test
  void aLeaderCannotBecomeCandidateOrPreCandidate() {
    RaftNode node = soleLeader();
    assertThatThrownBy(node::becomeCandidate).hasMessageContaining("from=LEADER to=CANDIDATE");
    assertThatThrownBy(node::becomePreCandidate).hasMessageContaining("from=LEADER to=PRE_CANDIDATE");
  }

  @Test
  void theTermNeverGoesBackwards() {
    RaftNode node = soleLeader();
    long term = node.term();
    assertThatThrownBy(() -> node.becomeFollower(term - 1, RaftNode.NONE))
        .hasMessageContaining("reason=term-goes-backwards");
    node.becomeFollower(term, RaftNode.NONE);
    assertThat(node.role()).isEqualTo(Role.FOLLOWER);
  }

  @Test
  void aSecondVoteInOneTermForAnotherCandidateTripsTheAssertion() {
    RaftNode node = follower();
    node.grantVote(2);
    node.grantVote(2); // the same candidate asking again is fine
    assertThatThrownBy(() -> node.grantVote(3)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("vote=2 candidate=3");
  }
}
