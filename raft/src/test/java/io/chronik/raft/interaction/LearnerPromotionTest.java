package io.chronik.raft.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The core, not its caller, decides when a learner may become a voter: only once it holds every committed
 * entry (issue #15). A voter that joins behind counts toward every quorum while it cannot help one: with one
 * more node down the group stops committing until the laggard caught up (the planted bug
 * {@code learner-promoted-before-catch-up}, which the swarm cannot tell from slowness).
 */
class LearnerPromotionTest {

  private static final RaftOptions OPTIONS =
      RaftOptions.defaults().toBuilder().preVote(false).checkQuorum(false).build();

  @Test
  void aLearnerBehindTheCommitIndexIsNotPromotedUntilItCaughtUp() {
    StringBuilder out = new StringBuilder();
    InteractionCluster c = new InteractionCluster(List.of(1, 2, 3, 4), List.of(1, 2, 3), OPTIONS);
    while (c.node(1).role() != Role.LEADER) {
      c.node(1).tick();
      c.stabilize(out);
    }
    assertThat(c.node(1).proposeConfiguration(new TreeSet<>(List.of(1, 2, 3)), new TreeSet<>(List.of(4)))).isTrue();
    c.stabilize(out);
    assertThat(c.node(1).configuration().learners()).containsExactly(4);

    c.isolated.add(4); // the learner falls behind: entries commit on the voters only
    for (int i = 0; i < 3; i++) {
      c.node(1).propose(("x" + i).getBytes(StandardCharsets.UTF_8));
    }
    c.stabilize(out);
    assertThat(c.node(1).commitIndex()).isEqualTo(c.node(1).lastIndex());
    assertThat(c.node(4).lastIndex()).isLessThan(c.node(1).commitIndex());
    assertThat(c.node(1).proposeConfiguration(new TreeSet<>(List.of(1, 2, 3, 4)), new TreeSet<>()))
        .as("learner 4 lacks committed entries").isFalse();
    assertThat(c.node(1).configuration().learners()).containsExactly(4);

    c.isolated.clear();
    for (int t = 0; t < 10 && c.node(4).lastIndex() < c.node(1).commitIndex(); t++) {
      c.node(1).tick();
      c.stabilize(out);
    }
    assertThat(c.node(4).lastIndex()).isGreaterThanOrEqualTo(c.node(1).commitIndex());
    assertThat(c.node(1).proposeConfiguration(new TreeSet<>(List.of(1, 2, 3, 4)), new TreeSet<>()))
        .as("caught up: promoted").isTrue();
  }
}
