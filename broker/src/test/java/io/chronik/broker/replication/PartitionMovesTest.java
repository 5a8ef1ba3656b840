package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The move's state machine ({@link PartitionMoves#step}) on real Raft nodes over in-memory storage: from
 * voters 0, 1, 2 to 3, 1, 2 it adds 3 as a learner, waits for it, hands leadership away from 0, promotes by
 * joint consensus and reports the move done only when the group's voters are exactly the target.
 */
class PartitionMovesTest {
  private static final TopicSpec.PartitionSpec MOVING = new TopicSpec.PartitionSpec(3, 4, 0, List.of(0, 1, 2),
      List.of(3, 1, 2));

  /** Nodes 0–3, the group on 0, 1, 2 (node 3 opened as a member-to-be, as a MovePartition opens it). */
  private final TreeMap<Integer, RaftNode> nodes = new TreeMap<>();
  private final TreeMap<Integer, MemoryLogStorage> disks = new TreeMap<>();
  private final List<Message> network = new ArrayList<>();
  /** Node 3 receives nothing while true (it is slow to catch up). */
  private boolean learnerCutOff;

  PartitionMovesTest() {
    RaftOptions options = RaftOptions.defaults().toBuilder().electionTicks(10).heartbeatTicks(2).build();
    for (int id = 0; id <= 3; id++) {
      disks.put(id, new MemoryLogStorage());
      nodes.put(id, new RaftNode(id, disks.get(id), Configuration.of(List.of(0, 1, 2)), options,
          new SplittableRandom(id)));
    }
    nodes.get(0).campaign();
    stabilize();
    for (int i = 0; i < 5; i++) {
      nodes.get(0).propose(("record-" + i).getBytes());
    }
    stabilize();
  }

  @Test
  void aMoveGoesThroughLearnerHandoffJointConsensusAndReportsOnlyAtTheTarget() {
    List<MetadataCommand> reported = new ArrayList<>();
    assertThat(step(1, reported)).isEqualTo(PartitionMoves.Step.NOT_LEADER);

    learnerCutOff = true;
    assertThat(step(0, reported)).isEqualTo(PartitionMoves.Step.LEARNERS_PROPOSED);
    stabilize();
    assertThat(nodes.get(0).configuration().learners()).containsExactly(3);
    assertThat(step(0, reported)).as("node 3 has nothing yet").isEqualTo(PartitionMoves.Step.CATCHING_UP);

    learnerCutOff = false;
    heartbeat(0);
    assertThat(step(0, reported)).as("the leader leaves: a voter of the target takes over first")
        .isEqualTo(PartitionMoves.Step.HANDING_OFF);
    stabilize();
    int leader = leader();
    assertThat(leader).isIn(1, 2);

    assertThat(step(leader, reported)).isEqualTo(PartitionMoves.Step.PROMOTION_PROPOSED);
    assertThat(reported).as("nothing reported before the group is the target").isEmpty();
    stabilize();
    Configuration after = nodes.get(leader).configuration();
    assertThat(after.joint()).isFalse();
    assertThat(after.voters()).containsExactly(1, 2, 3);
    assertThat(after.learners()).isEmpty();

    assertThat(step(leader, reported)).isEqualTo(PartitionMoves.Step.DONE_REPORTED);
    assertThat(reported).containsExactly(new MetadataCommand.PartitionMoved("moves", 3, List.of(3, 1, 2)));
    assertThat(nodes.get(3).configuration().voters()).as("the new replica knows it votes").containsExactly(1, 2, 3);
  }

  @Test
  void aCancelledMoveTakesTheLearnerOutAgainAndReportsTheOldReplicas() {
    List<MetadataCommand> reported = new ArrayList<>();
    assertThat(step(0, reported)).isEqualTo(PartitionMoves.Step.LEARNERS_PROPOSED);
    stabilize();
    TopicSpec.PartitionSpec cancelled = MOVING.movingTo(List.of());
    assertThat(cancelled.target()).isEqualTo(List.of(0, 1, 2));

    assertThat(PartitionMoves.step("moves", cancelled, nodes.get(0), reported::add))
        .isEqualTo(PartitionMoves.Step.LEARNERS_PROPOSED);
    stabilize();
    assertThat(nodes.get(0).configuration().learners()).isEmpty();
    assertThat(PartitionMoves.step("moves", cancelled, nodes.get(0), reported::add))
        .isEqualTo(PartitionMoves.Step.DONE_REPORTED);
    assertThat(reported).containsExactly(new MetadataCommand.PartitionMoved("moves", 3, List.of(0, 1, 2)));
  }

  private PartitionMoves.Step step(int node, List<MetadataCommand> reported) {
    return PartitionMoves.step("moves", MOVING, nodes.get(node), reported::add);
  }

  private int leader() {
    for (var e : nodes.entrySet()) {
      if (e.getValue().role() == Role.LEADER) {
        return e.getKey();
      }
    }
    return RaftNode.NONE;
  }

  /** A heartbeat round of {@code node}, so the leader hears how far each member is. */
  private void heartbeat(int node) {
    for (int i = 0; i < 2; i++) {
      nodes.get(node).tick();
    }
    stabilize();
  }

  /** Readys and deliveries until nothing moves (as the raft module's interaction cluster does). */
  private void stabilize() {
    for (int round = 0; round < 200; round++) {
      for (var e : nodes.entrySet()) {
        RaftNode n = e.getValue();
        if (!n.hasReady()) {
          continue;
        }
        Ready rd = n.ready();
        MemoryLogStorage disk = disks.get(e.getKey());
        rd.snapshotChunks().forEach(disk::persistSnapshotChunk);
        if (rd.snapshot() != null) {
          disk.installReceivedSnapshot(rd.snapshot());
        }
        disk.append(rd.entries());
        if (rd.hardState() != null) {
          disk.saveHardState(rd.hardState());
        }
        for (Message m : rd.messages()) {
          if (!(learnerCutOff && (m.to() == 3 || m.from() == 3))) {
            network.add(m);
          }
        }
        n.advance(rd);
      }
      if (network.isEmpty() && nodes.values().stream().noneMatch(RaftNode::hasReady)) {
        return;
      }
      List<Message> now = new ArrayList<>(network);
      network.clear();
      now.forEach(m -> nodes.get(m.to()).step(m));
    }
  }
}
