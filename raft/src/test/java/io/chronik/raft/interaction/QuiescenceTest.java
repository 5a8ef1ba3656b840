package io.chronik.raft.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.message.MessageType;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.ProposeResult;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quiescent groups (RaftOptions.quiesce): an idle group costs no messages, any traffic wakes it, and a
 * woken follower of a dead leader elects a new one. The driver's liveness detector calls wake().
 */
class QuiescenceTest {
  static final RaftOptions OPTIONS = RaftOptions.defaults().withQuiesce(true);

  private static InteractionCluster elected() {
    InteractionCluster c = new InteractionCluster(List.of(1, 2, 3), List.of(1, 2, 3), OPTIONS);
    while (c.node(1).role() == Role.FOLLOWER) {
      c.node(1).tick();
    }
    c.stabilize(new StringBuilder());
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    return c;
  }

  /** Ticks every node once and stabilizes; returns how many messages moved. */
  private static int tickAll(InteractionCluster c) {
    for (int id : List.of(1, 2, 3)) {
      c.node(id).tick();
    }
    StringBuilder out = new StringBuilder();
    c.stabilize(out);
    return (int) out.chars().filter(ch -> ch == '\n').count();
  }

  private static InteractionCluster quiesced() {
    InteractionCluster c = elected();
    for (int t = 0; t < OPTIONS.heartbeatTicks() * 2; t++) {
      tickAll(c);
    }
    for (int id : List.of(1, 2, 3)) {
      assertThat(c.node(id).quiesced()).as("node %d", id).isTrue();
    }
    return c;
  }

  @Test
  void anIdleGroupWhoseFollowersHaveEveryEntryFallsSilent() {
    InteractionCluster c = quiesced();
    long term = c.node(1).term();
    int moved = 0;
    for (int t = 0; t < OPTIONS.electionTicks() * 10; t++) {
      moved += tickAll(c);
    }
    assertThat(moved).as("messages in ten election timeouts").isZero();
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(2).term()).isEqualTo(term);
    assertThat(c.node(3).term()).isEqualTo(term);
  }

  @Test
  void aProposalWakesTheGroupCommitsAndItFallsSilentAgain() {
    InteractionCluster c = quiesced();
    ProposeResult first = c.node(1).propose(new byte[] {42});
    assertThat(first.isAccepted()).isTrue();
    assertThat(c.node(1).quiesced()).isFalse();
    c.stabilize(new StringBuilder());
    for (int id : List.of(1, 2, 3)) {
      assertThat(c.node(id).commitIndex()).as("node %d", id).isEqualTo(first.firstIndex());
      assertThat(c.node(id).quiesced()).as("followers woke on the append").isFalse();
    }
    for (int t = 0; t < OPTIONS.heartbeatTicks() * 2; t++) {
      tickAll(c);
    }
    assertThat(c.node(1).quiesced()).isTrue();
    assertThat(c.node(2).quiesced()).isTrue();
  }

  @Test
  void aLeaderDoesNotQuiesceWhileAFollowerLacksEntries() {
    InteractionCluster c = elected();
    c.isolated.add(3);
    c.node(1).propose(new byte[] {1});
    c.stabilize(new StringBuilder());
    for (int t = 0; t < OPTIONS.heartbeatTicks() * 4; t++) {
      tickAll(c);
    }
    assertThat(c.node(1).quiesced()).as("node 3 lacks the entry").isFalse();
    c.isolated.clear();
    for (int t = 0; t < OPTIONS.heartbeatTicks() * 4; t++) {
      tickAll(c);
    }
    assertThat(c.node(3).commitIndex()).isEqualTo(c.node(1).commitIndex());
    assertThat(c.node(1).quiesced()).isTrue();
  }

  @Test
  void followersWokenAfterTheLeaderDiedElectANewOne() {
    InteractionCluster c = quiesced();
    long term = c.node(1).term();
    c.isolated.add(1); // the leader's process is gone
    for (int t = 0; t < OPTIONS.electionTicks() * 4; t++) {
      tickAll(c);
    }
    assertThat(c.node(2).role()).as("quiescent: no timer ran").isEqualTo(Role.FOLLOWER);
    assertThat(c.node(2).term()).isEqualTo(term);
    c.node(2).wake(); // the driver saw node 1 go down
    c.node(3).wake();
    for (int t = 0; t < OPTIONS.electionTicks() * 4 && !hasLeader(c); t++) {
      tickAll(c);
    }
    assertThat(hasLeader(c)).as("a new leader among 2 and 3").isTrue();
    assertThat(Math.max(c.node(2).term(), c.node(3).term())).isGreaterThan(term);
  }

  @Test
  void aRestartedFollowerWakesTheQuiescentLeaderAndLearnsItWithoutANewTerm() {
    InteractionCluster c = quiesced();
    long term = c.node(1).term();
    c.start(3); // restarts from its disk, knowing no leader, timers running
    assertThat(c.node(3).quiesced()).isFalse();
    for (int t = 0; t < OPTIONS.electionTicks() * 3 && c.node(3).leader() != 1; t++) {
      tickAll(c);
    }
    assertThat(c.node(3).leader()).isEqualTo(1);
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).term()).as("pre-vote: the rejoin started no election").isEqualTo(term);
  }

  @Test
  void aQuiesceThatDoesNotMatchTheFollowersLogIsAnsweredAndWakesTheLeader() {
    InteractionCluster c = quiesced();
    RaftNode leader = c.node(1);
    leader.wake();
    assertThat(leader.quiesced()).isFalse();
    // a QUIESCE naming a last entry node 2 does not have: node 2 must not stop its timer
    c.node(2).step(io.chronik.raft.message.Message.of(MessageType.QUIESCE, 1, 2, leader.term())
        .log(leader.lastIndex() + 5, leader.term()).commit(leader.commitIndex()).build());
    assertThat(c.node(2).quiesced()).isFalse();
    assertThat(c.node(2).ready().messages()).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo(MessageType.HEARTBEAT_RESPONSE);
      assertThat(m.reject()).isTrue();
    });
  }

  @Test
  void followersToldTheLeadersProcessDiedElectWithinAFractionOfAnElectionTimeout() {
    InteractionCluster c = elected(); // awake, in lease: without the news they would wait a full timeout
    long term = c.node(1).term();
    c.isolated.add(1);
    c.node(2).leaderUnreachable(1, 0);
    c.node(3).leaderUnreachable(1, 0);
    c.node(2).leaderUnreachable(3, 0); // not its leader: ignored
    for (int t = 0; t < OPTIONS.electionTicks() / 2 && !hasLeader(c); t++) {
      tickAll(c);
    }
    assertThat(hasLeader(c)).as("a new leader within half an election timeout").isTrue();
    assertThat(Math.max(c.node(2).term(), c.node(3).term())).as("one election, no split vote").isEqualTo(term + 1);
  }

  @Test
  void survivorsOfADeadLeaderStandInTurnsSoTheRotationPicksWhoLeadsWithoutASplitVote() {
    for (int rotation = 0; rotation < 4; rotation++) {
      InteractionCluster c = elected();
      long term = c.node(1).term();
      c.isolated.add(1);
      c.node(2).leaderUnreachable(1, rotation);
      c.node(3).leaderUnreachable(1, rotation);
      for (int t = 0; t < OPTIONS.electionTicks() && !hasLeader(c); t++) {
        tickAll(c);
      }
      int expected = rotation % 2 == 0 ? 2 : 3; // survivors [2, 3] rotated by the group's rotation
      assertThat(c.node(expected).role()).as("rotation %d: node %d stands first and wins", rotation, expected)
          .isEqualTo(Role.LEADER);
      assertThat(c.node(2).term()).isEqualTo(term + 1);
      assertThat(c.node(3).term()).isEqualTo(term + 1);
    }
  }

  private static boolean hasLeader(InteractionCluster c) {
    return c.node(2).role() == Role.LEADER || c.node(3).role() == Role.LEADER;
  }
}
