package io.chronik.raft.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.message.PeerBatch;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RaftNodeTest {

  private static InteractionCluster elected(RaftOptions o) {
    InteractionCluster c = new InteractionCluster(List.of(1, 2, 3), List.of(1, 2, 3), o);
    while (c.node(1).role() == Role.FOLLOWER) {
      c.node(1).tick();
    }
    c.stabilize(new StringBuilder());
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    return c;
  }

  @Test
  void manyProposalsBecomeOneStorageAppendAndOneMessagePerFollower() {
    InteractionCluster c = elected(RaftOptions.defaults());
    for (int i = 0; i < 100; i++) {
      c.node(1).propose(new byte[] {(byte) i});
    }
    Ready rd = c.node(1).ready();
    assertThat(rd.entries()).hasSize(100);
    assertThat(rd.messages()).hasSize(2).allSatisfy(m -> {
      assertThat(m.type()).isEqualTo(MessageType.APPEND);
      assertThat(m.entries()).hasSize(100);
    });
    c.node(1).advance(rd);
  }

  @Test
  void aFollowerForwardsATransferRequestAndTheTargetBecomesLeader() {
    InteractionCluster c = elected(RaftOptions.defaults());
    StringBuilder out = new StringBuilder();
    c.node(1).propose(new byte[] {1});
    c.stabilize(out);
    assertThat(c.node(2).requestLeadershipTransfer(3)).isTrue();
    Ready rd = c.node(2).ready();
    assertThat(rd.messages()).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo(MessageType.TRANSFER_LEADER);
      assertThat(m.to()).isEqualTo(1);
      assertThat(m.index()).isEqualTo(3);
    });
    c.node(2).advance(rd);
    c.node(1).step(rd.messages().get(0));
    c.stabilize(out);
    assertThat(c.node(3).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).leader()).isEqualTo(3);
    assertThat(c.node(2).leader()).isEqualTo(3);
  }

  @Test
  void aTransferRequestOfAnOlderTermOrToANonLeaderChangesNothing() {
    InteractionCluster c = elected(RaftOptions.defaults());
    c.stabilize(new StringBuilder());
    long term = c.node(1).term();
    c.node(1).step(Message.of(MessageType.TRANSFER_LEADER, 2, 1, term - 1).log(3, 0).build());
    c.node(3).step(Message.of(MessageType.TRANSFER_LEADER, 2, 3, term).log(3, 0).build());
    c.stabilize(new StringBuilder());
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).term()).isEqualTo(term);
    RaftNode lone = new RaftNode(1, new MemoryLogStorage(), Configuration.of(List.of(1, 2, 3)), RaftOptions.defaults(),
        new SplittableRandom(1));
    assertThat(lone.requestLeadershipTransfer(2)).as("no leader known").isFalse();
  }

  /** Ticks {@code n} {@code times}; every third tick the driver reports {@code alive}'s process as alive. */
  private static boolean campaignsWhileTicking(RaftNode n, int times, int alive) {
    for (int t = 0; t < times; t++) {
      n.tick();
      if (alive != RaftNode.NONE && t % 3 == 0) {
        n.peerAlive(alive);
      }
      if (n.role() != Role.FOLLOWER) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aFollowerWhoseLeadersProcessIsAliveHoldsItsElectionForABoundedTime() {
    RaftOptions o = RaftOptions.defaults();
    InteractionCluster c = elected(o);
    c.stabilize(new StringBuilder());
    RaftNode follower = c.node(2);
    int hold = 5 * o.electionTicks();
    assertThat(campaignsWhileTicking(follower, hold - 2, 1)).as("held while the leader's node pings").isFalse();
    assertThat(follower.leader()).isEqualTo(1);
    assertThat(campaignsWhileTicking(follower, 3 * o.electionTicks(), 1))
        .as("the leader's group silent for 5 election timeouts: the hold ends even though its node pings").isTrue();

    InteractionCluster other = elected(o);
    other.stabilize(new StringBuilder());
    assertThat(campaignsWhileTicking(other.node(3), 2 * o.electionTicks(), 2))
        .as("a ping from a node that is not the leader holds nothing").isTrue();
  }

  @Test
  void aFollowerStopsHoldingForItsLeaderOnceThatNodeStandsInALaterTerm() {
    RaftOptions o = RaftOptions.defaults();
    InteractionCluster c = elected(o);
    RaftNode follower = c.node(2);
    long term = follower.term();
    // node 1 stepped down (a higher term reached it) and stands again; its process still pings
    follower.step(Message.of(MessageType.PRE_VOTE, 1, 2, term + 2).log(follower.lastIndex(), term).build());
    assertThat(follower.leader()).isEqualTo(1);
    assertThat(campaignsWhileTicking(follower, 2 * o.electionTicks() + 1, 1))
        .as("no hold for a node that no longer leads: the ordinary timers run out").isTrue();

    InteractionCluster other = elected(o);
    RaftNode held = other.node(2);
    held.step(Message.of(MessageType.PRE_VOTE, 1, 2, held.term()).log(held.lastIndex(), held.term()).build());
    assertThat(campaignsWhileTicking(held, 4 * o.electionTicks(), 1))
        .as("a late pre-vote of the term node 1 leads ends nothing: still held").isFalse();
  }

  @Test
  void aLeaderKeepsItsQuorumWhileAFollowersProcessIsAliveAndStepsDownWithoutIt() {
    RaftOptions o = RaftOptions.defaults();
    InteractionCluster c = elected(o);
    c.stabilize(new StringBuilder());
    RaftNode leader = c.node(1);
    for (int t = 0; t < 4 * o.electionTicks(); t++) {
      leader.tick();
      if (t % 3 == 0) {
        leader.peerAlive(2);
      }
    }
    assertThat(leader.role()).as("node 2's process alive: a quorum with itself").isEqualTo(Role.LEADER);
    for (int t = 0; t < 2 * o.electionTicks() + 1; t++) {
      leader.tick();
    }
    assertThat(leader.role()).as("no responses and no pings: check-quorum steps it down").isEqualTo(Role.FOLLOWER);
  }

  @Test
  void aSingleNodeLeaderCommitsOnlyWhatItsOwnDiskMadeDurable() {
    MemoryLogStorage disk = new MemoryLogStorage();
    RaftNode n = new RaftNode(1, disk, Configuration.of(List.of(1)), RaftOptions.defaults(), new SplittableRandom(1));
    while (n.role() == Role.FOLLOWER) {
      n.tick();
    }
    Ready vote = n.ready();
    disk.saveHardState(vote.hardState());
    n.advance(vote);
    assertThat(n.role()).isEqualTo(Role.LEADER);
    Ready first = n.ready();
    assertThat(n.commitIndex()).as("no-op not durable yet").isZero();
    disk.append(first.entries());
    n.advance(first);
    assertThat(n.commitIndex()).isEqualTo(1);
    n.propose(new byte[] {7});
    assertThat(n.commitIndex()).isEqualTo(1);
    Ready second = n.ready();
    assertThat(second.committedEntries()).extracting(e -> e.index()).containsExactly(1L);
    disk.append(second.entries());
    n.advance(second);
    assertThat(n.commitIndex()).isEqualTo(2);
  }

  @Test
  void aFollowerBehindTheCompactedLogReceivesAChunkedSnapshot() {
    InteractionCluster c = elected(RaftOptions.defaults().withSnapshotChunkBytes(3));
    StringBuilder out = new StringBuilder();
    c.isolated.add(3);
    for (int i = 0; i < 5; i++) {
      c.node(1).propose(new byte[] {(byte) i});
      c.stabilize(out);
    }
    MemoryLogStorage leaderDisk = c.disks.get(1);
    long applied = c.node(1).appliedIndex();
    leaderDisk.createSnapshot(c.node(1).snapshotMetaAt(applied), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    leaderDisk.compact(applied);
    c.isolated.clear();
    out.setLength(0);
    c.node(1).tick();
    c.node(1).tick();
    c.stabilize(out);
    // each chunk is a CRC32C (4 bytes) then up to 3 bytes of the snapshot
    assertThat(out.toString()).contains("1->3 SNAPSHOT term=1 snapshot=" + applied + "/1 offset=0 bytes=7")
        .contains("offset=6 bytes=6 last");
    assertThat(c.disks.get(3).snapshotData()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(c.node(3).commitIndex()).isEqualTo(c.node(1).commitIndex());
  }

  @Test
  void aSnapshotGoesOutAtMostSnapshotBytesPerTickAndStillArrivesWhole() {
    InteractionCluster c = elected(RaftOptions.defaults().toBuilder().snapshotChunkBytes(2).snapshotBytesPerTick(2).build());
    StringBuilder out = new StringBuilder();
    c.isolated.add(3);
    for (int i = 0; i < 5; i++) {
      c.node(1).propose(new byte[] {(byte) i});
      c.stabilize(out);
    }
    MemoryLogStorage leaderDisk = c.disks.get(1);
    long applied = c.node(1).appliedIndex();
    leaderDisk.createSnapshot(c.node(1).snapshotMetaAt(applied), new byte[] {9, 8, 7, 6, 5, 4, 3});
    leaderDisk.compact(applied);
    c.isolated.clear();
    out.setLength(0);
    c.node(1).tick();
    c.node(1).tick();
    c.stabilize(out);
    assertThat(out.toString()).contains("offset=0 bytes=6").doesNotContain("offset=2 ");
    assertThat(c.disks.get(3).snapshotData()).isEmpty();
    for (int tick = 0; tick < 3; tick++) {
      c.node(1).tick();
      c.stabilize(out);
    }
    assertThat(out.toString()).contains("offset=2 bytes=6").contains("offset=4 bytes=6").contains("offset=6 bytes=5 last");
    assertThat(c.disks.get(3).snapshotData()).containsExactly(9, 8, 7, 6, 5, 4, 3);
    assertThat(c.node(3).commitIndex()).isEqualTo(c.node(1).commitIndex());
    assertThat(c.node(1).snapshotsSent()).isEqualTo(1);
    assertThat(c.node(1).snapshotBytesSent()).isEqualTo(7);
  }

  @Test
  void peerBatchGroupsMessagesOfManyGroupsByDestination() {
    PeerBatch<String> batch = new PeerBatch<>();
    batch.add("g1", Message.of(MessageType.HEARTBEAT, 1, 2, 5).build());
    batch.add("g2", Message.of(MessageType.HEARTBEAT, 1, 2, 9).build());
    batch.add("g1", Message.of(MessageType.HEARTBEAT, 1, 3, 5).build());
    assertThat(batch.peers()).containsExactly(2, 3);
    assertThat(batch.forPeer(2)).extracting(PeerBatch.Addressed::group).containsExactly("g1", "g2");
    assertThat(batch.size()).isEqualTo(3);
  }

  @Test
  void aNodeThatIsAQuorumAloneLeadsOnlyOnceItsVoteForItselfIsDurable() {
    MemoryLogStorage disk = new MemoryLogStorage();
    RaftNode alone = new RaftNode(1, disk, Configuration.of(List.of(1)), RaftOptions.defaults(), new SplittableRandom(1));
    while (alone.role() == Role.FOLLOWER) {
      alone.tick();
    }
    assertThat(alone.role()).as("its own vote is not on disk yet").isEqualTo(Role.CANDIDATE);
    Ready rd = alone.ready();
    assertThat(rd.hardState().term()).isEqualTo(1);
    assertThat(rd.hardState().vote()).isEqualTo(1);

    // the write of that Ready is lost (a failed fsync, a crash): the restarted node knows nothing of term 1,
    // so no leader of term 1 may have existed in memory either, or it could vote for another candidate of term 1
    RaftNode restarted = new RaftNode(1, disk, Configuration.of(List.of(1)), RaftOptions.defaults(),
        new SplittableRandom(1));
    assertThat(restarted.term()).isZero();
    assertThat(restarted.role()).isEqualTo(Role.FOLLOWER);

    disk.saveHardState(rd.hardState());
    alone.advance(rd);
    assertThat(alone.role()).isEqualTo(Role.LEADER);
    assertThat(alone.term()).isEqualTo(1);
  }
}
