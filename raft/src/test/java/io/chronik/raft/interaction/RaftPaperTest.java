package io.chronik.raft.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Behaviours the Raft paper (Ongaro and Ousterhout, 2014) states, one test per rule, named by section. */
class RaftPaperTest {

  /** Classic Raft without pre-vote/check-quorum, one entry per append: the paper's setting. */
  private static InteractionCluster paperCluster(int n) {
    RaftOptions o = RaftOptions.defaults().toBuilder().appendBytesMax(1).preVote(false).checkQuorum(false).build();
    List<Integer> ids = n == 3 ? List.of(1, 2, 3) : List.of(1, 2, 3, 4, 5);
    return new InteractionCluster(ids, ids, o);
  }

  private static void elect(InteractionCluster c, int id, StringBuilder out) {
    while (c.node(id).role() == Role.FOLLOWER) {
      c.node(id).tick();
    }
    c.stabilize(out);
    assertThat(c.node(id).role()).isEqualTo(Role.LEADER);
  }

  @Test
  void section5_1_messagesFromAStaleTermAreIgnoredAndTheSenderLearnsTheNewTerm() {
    InteractionCluster c = paperCluster(3);
    StringBuilder out = new StringBuilder();
    elect(c, 1, out);
    c.node(2).step(Message.of(MessageType.APPEND, 3, 2, 0).log(5, 0).build());
    assertThat(c.node(2).lastIndex()).isEqualTo(1);
    assertThat(c.node(2).leader()).isEqualTo(1);
  }

  @Test
  void section5_2_aCandidateWithoutAMajorityDoesNotBecomeLeader() {
    InteractionCluster c = paperCluster(5);
    c.isolated.addAll(List.of(3, 4, 5));
    StringBuilder out = new StringBuilder();
    while (c.node(1).role() == Role.FOLLOWER) {
      c.node(1).tick();
    }
    c.stabilize(out);
    assertThat(c.node(1).role()).isEqualTo(Role.CANDIDATE);
    assertThat(c.node(2).term()).isEqualTo(c.node(1).term());
  }

  @Test
  void section5_2_eachServerVotesForAtMostOneCandidatePerTerm() {
    RaftNode voter = new RaftNode(3, new MemoryLogStorage(), Configuration.of(List.of(1, 2, 3)),
        RaftOptions.defaults().withPreVote(false).withCheckQuorum(false), new SplittableRandom(3));
    voter.step(Message.of(MessageType.VOTE, 1, 3, 1).build());
    voter.step(Message.of(MessageType.VOTE, 2, 3, 1).build());
    Ready rd = voter.ready();
    assertThat(rd.hardState().vote()).isEqualTo(1);
    assertThat(rd.messages()).extracting(Message::to, Message::reject).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(2, true));
  }

  @Test
  void section5_3_aFollowerRejectsAnAppendWhosePreviousEntryDoesNotMatch() {
    InteractionCluster c = paperCluster(3);
    StringBuilder out = new StringBuilder();
    elect(c, 1, out);
    c.node(2).step(Message.of(MessageType.APPEND, 1, 2, c.node(1).term()).log(7, 1)
        .entries(List.of(Entry.normal(8, 1, new byte[] {1}))).build());
    Ready rd = c.node(2).ready();
    assertThat(rd.entries()).isEmpty();
    assertThat(rd.messages()).singleElement().satisfies(m -> {
      assertThat(m.reject()).isTrue();
      assertThat(m.rejectHint()).isEqualTo(1); // fast back-tracking: "my log ends at 1"
    });
  }

  @Test
  void section5_4_1_aVoterDeniesACandidateWhoseLogIsLessUpToDate() {
    InteractionCluster c = paperCluster(3);
    StringBuilder out = new StringBuilder();
    elect(c, 1, out);
    c.node(1).propose("x".getBytes(StandardCharsets.UTF_8));
    c.processReadys(out);
    c.deliver(out, m -> m.to() == 2); // only 2 gets entry 2
    c.processReadys(out);
    c.network.clear();
    // 3 (log ends at 1) campaigns: 2 has a longer log and refuses
    c.isolated.add(1);
    while (c.node(3).role() == Role.FOLLOWER) {
      c.node(3).tick();
    }
    c.stabilize(out);
    assertThat(c.node(3).role()).isNotEqualTo(Role.LEADER);
    assertThat(out.toString()).containsPattern("2->3 VOTE_RESPONSE term=2 [^\n]*reject");
  }

  /**
   * Figure 8: a leader must not commit an entry of an earlier term by counting replicas, because a
   * server holding a newer-term entry at that index can still be elected and overwrite it.
   */
  @Test
  void section5_4_2_aLeaderNeverCommitsAnEarlierTermEntryByCountingReplicas() {
    InteractionCluster c = paperCluster(3);
    StringBuilder out = new StringBuilder();
    elect(c, 1, out); // term 1, 1/1 committed everywhere
    // (a) 1 appends 1/2 alone
    c.isolated.add(1);
    c.node(1).propose("old".getBytes(StandardCharsets.UTF_8));
    c.processReadys(out);
    c.isolated.clear();
    // (b) 2 wins term 2 with 3's vote and appends its no-op 2/2, which reaches nobody
    while (c.node(2).role() == Role.FOLLOWER) {
      c.node(2).tick();
    }
    c.processReadys(out);
    c.deliver(out, m -> m.to() == 3);
    c.processReadys(out);
    c.deliver(out, m -> m.to() == 2);
    assertThat(c.node(2).role()).isEqualTo(Role.LEADER);
    c.processReadys(out);
    c.network.clear();
    c.isolated.add(2);
    // (c) 1 restarts, wins term 3 with 3's vote (equal last terms, 1's log longer), replicates 1/2 to 3
    c.start(1);
    for (int attempt = 0; attempt < 5 && c.node(1).role() != Role.LEADER; attempt++) {
      long term = c.node(1).term();
      while (c.node(1).term() == term) {
        c.node(1).tick();
      }
      c.stabilize(out);
    }
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).term()).isEqualTo(3);
    // 1/2 is on 1 and 3, a majority, but its term is not the current one
    assertThat(c.node(3).termAt(2)).isEqualTo(1);
    assertThat(c.node(1).commitIndex()).as("index 2 holds a term-1 entry").isGreaterThanOrEqualTo(2);
    assertThat(c.node(1).termAt(c.node(1).commitIndex())).as("commit only through a current-term entry\n%s\n%s %s", out, c.status(1), c.log(1)).isEqualTo(3);
  }

  @Test
  void section5_4_2_theOldTermEntryOnAMajorityIsNotCommittedBeforeTheNewTermEntryReplicates() {
    InteractionCluster c = paperCluster(3);
    StringBuilder out = new StringBuilder();
    elect(c, 1, out);
    c.isolated.add(1);
    c.node(1).propose("old".getBytes(StandardCharsets.UTF_8));
    c.processReadys(out);
    c.isolated.clear();
    // 1 restarts and wins term 2 with 3's vote; 2 hears nothing
    c.start(1);
    while (c.node(1).role() == Role.FOLLOWER) {
      c.node(1).tick();
    }
    for (int round = 0; round < 20 && c.node(1).role() != Role.LEADER; round++) {
      c.processReadys(out);
      c.deliver(out, m -> m.to() != 2 && m.from() != 2);
    }
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    // replicate one entry per message; after 3 acknowledges index 2 only, nothing new may commit
    for (int round = 0; round < 20 && c.node(3).lastIndex() < 2; round++) {
      c.processReadys(out);
      // until 3 holds index 2 it sees everything (the first probe fails and back-tracks); the
      // append carrying 2/3 is held back
      c.deliver(out, m -> m.to() == 3 && m.entries().stream().allMatch(e -> e.index() <= 2)
          || m.to() == 3 && c.node(3).lastIndex() < 2
          || m.to() == 1 && m.from() == 3);
    }
    c.processReadys(out);
    c.deliver(out, m -> m.to() == 1 && m.from() == 3);
    assertThat(c.node(3).termAt(2)).as("%s", out).isEqualTo(1);
    assertThat(c.node(1).commitIndex()).as("1/2 is on a majority but from an earlier term").isEqualTo(1);
  }

  /**
   * §4.3 (joint consensus): entries behind a configuration change need the new voters too. The old voters
   * acknowledging the change and the entry after it in one round must not commit that entry while the new
   * voters have neither (the planted bug {@code commit-past-config-change}).
   */
  @Test
  void section4_3_entriesBehindAConfigurationChangeCommitOnlyWithTheNewVoters() {
    RaftOptions o = RaftOptions.defaults().toBuilder().preVote(false).checkQuorum(false).build();
    InteractionCluster c = new InteractionCluster(List.of(1, 2, 3, 4, 5), List.of(1, 2, 3), o);
    StringBuilder out = new StringBuilder();
    elect(c, 1, out);
    assertThat(c.node(1).proposeConfiguration(new TreeSet<>(List.of(1, 4, 5)), new TreeSet<>()))
        .as("4 and 5 hold nothing yet: they must join as learners first").isFalse();
    assertThat(c.node(1).proposeConfiguration(new TreeSet<>(List.of(1, 2, 3)), new TreeSet<>(List.of(4, 5)))).isTrue();
    c.stabilize(out);
    long before = c.node(1).commitIndex();
    c.isolated.addAll(List.of(4, 5));
    assertThat(c.node(1).proposeConfiguration(new TreeSet<>(List.of(1, 4, 5)), new TreeSet<>())).isTrue();
    long change = c.node(1).lastIndex();
    c.node(1).propose("x".getBytes(StandardCharsets.UTF_8));
    c.stabilize(out);
    assertThat(c.node(2).lastIndex()).as("the old voters hold everything").isEqualTo(c.node(1).lastIndex());
    assertThat(c.node(1).commitIndex()).as("committed under the old voters: the change, no further")
        .isGreaterThan(before).isEqualTo(change);
    c.isolated.clear();
    c.node(1).tick();
    c.stabilize(out);
    for (int t = 0; t < 10 && c.node(1).commitIndex() < c.node(1).lastIndex(); t++) {
      c.node(1).tick();
      c.stabilize(out);
    }
    assertThat(c.node(1).commitIndex()).as("with the new voters back").isEqualTo(c.node(1).lastIndex());
  }
}
