package io.chronik.raft.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.message.MessageType;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The survivors of a dead leader see its closed connection moments apart. The one whose turn it is stands at
 * once; its pre-vote reaches the other inside that one's leader lease and is dropped unanswered. Once the other
 * survivor learns the leader is gone it answers the held pre-vote, so the election finishes without waiting a
 * whole randomized election timeout (the slow mode of FailoverProbe's kill-to-ack, docs/BENCH.md §4).
 */
class LeaderDeathPreVoteTest {

  @Test
  void aPreVoteDroppedInsideTheLeaseIsAnsweredOnceTheLeaderIsKnownGone() {
    RaftOptions options = RaftOptions.defaults().toBuilder().preVote(true).checkQuorum(true).build();
    InteractionCluster c = new InteractionCluster(List.of(1, 2, 3), List.of(1, 2, 3), options);
    StringBuilder out = new StringBuilder();
    while (c.node(1).role() != Role.LEADER) {
      c.node(1).tick();
      c.stabilize(out);
    }
    long term = c.node(1).term();
    c.isolated.add(1); // its process died

    c.node(2).leaderUnreachable(1, 0); // node 2 sees the closed connection first; rotation 0: its turn
    c.node(2).tick();
    c.processReadys(out);
    boolean preVoteToNode3 = c.network.stream().anyMatch(m -> m.type() == MessageType.PRE_VOTE && m.to() == 3);
    assertThat(preVoteToNode3).as("node 2 stood at once: %s", out).isTrue();
    c.deliver(out, m -> m.to() == 3);
    c.processReadys(out);
    assertThat(c.network.stream().noneMatch(m -> m.type() == MessageType.PRE_VOTE_RESPONSE && m.to() == 2))
        .as("node 3, still inside node 1's lease, drops it unanswered").isTrue();

    c.node(3).leaderUnreachable(1, 0); // node 3 sees the closed connection 30 ms later
    c.stabilize(out);
    assertThat(c.node(2).role()).as("elected without another election timeout: %s", out).isEqualTo(Role.LEADER);
    assertThat(c.node(2).term()).isEqualTo(term + 1);
  }
}
