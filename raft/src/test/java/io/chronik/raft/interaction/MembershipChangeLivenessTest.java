package io.chronik.raft.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Membership changes must not stall a leader. Both cases were found by the cluster simulation's disk-loss
 * fault (docs/SIMULATION.md): a change that leaves the configuration as it was, and a removed leader whose
 * most caught-up voter is gone for good (its disk was lost, so its last acknowledgement is all the leader has).
 */
class MembershipChangeLivenessTest {

  private static final RaftOptions OPTIONS =
      RaftOptions.defaults().toBuilder().preVote(false).checkQuorum(false).build();

  private static InteractionCluster elected(List<Integer> voters, StringBuilder out) {
    InteractionCluster c = new InteractionCluster(voters, voters, OPTIONS);
    while (c.node(1).role() != Role.LEADER) {
      c.node(1).tick();
      c.stabilize(out);
    }
    return c;
  }

  @Test
  void entriesBehindAChangeThatLeavesTheConfigurationAsItWasCommitWithTheAcknowledgementsAlreadyIn() {
    StringBuilder out = new StringBuilder();
    InteractionCluster c = elected(List.of(1, 2, 3), out);
    c.isolated.add(3); // one acknowledgement (2's, of both entries at once) makes the quorum
    assertThat(c.node(1).proposeConfiguration(new TreeSet<>(List.of(1, 2, 3)), new TreeSet<>())).isTrue();
    c.node(1).propose("x".getBytes(StandardCharsets.UTF_8));
    c.stabilize(out);
    assertThat(c.node(2).lastIndex()).as("the follower holds everything").isEqualTo(c.node(1).lastIndex());
    assertThat(c.node(1).commitIndex()).as("no further acknowledgement is coming").isEqualTo(c.node(1).lastIndex());
  }

  @Test
  void aRemovedLeaderHandsOffToAnotherVoterWhenTheMostCaughtUpOneNeverAnswers() {
    StringBuilder out = new StringBuilder();
    InteractionCluster c = elected(List.of(1, 2, 3, 4), out);
    c.node(1).propose("x".getBytes(StandardCharsets.UTF_8));
    c.stabilize(out);
    assertThat(c.node(1).proposeConfiguration(new TreeSet<>(List.of(2, 3, 4)), new TreeSet<>())).isTrue();
    // run until the removal commits and the leader starts its hand-off; then voter 2, the first of the
    // equally caught-up voters, is gone (its acknowledgements stay with the leader, it never answers again)
    for (int round = 0; round < 100 && c.node(1).configuration().isVoter(1); round++) {
      c.processReadys(out);
      c.deliver(out, m -> true);
    }
    assertThat(c.node(1).configuration().voters()).containsExactly(2, 3, 4);
    c.isolated.add(2);
    c.network.removeIf(m -> m.to() == 2 || m.from() == 2);
    for (int t = 0; t < 20 * OPTIONS.electionTicks() && !leads(c, 3) && !leads(c, 4); t++) {
      c.node(1).tick();
      c.stabilize(out);
    }
    assertThat(leads(c, 3) || leads(c, 4)).as("a remaining voter leads after the hand-off").isTrue();
  }

  private static boolean leads(InteractionCluster c, int id) {
    return c.node(id).role() == Role.LEADER;
  }
}
