package io.chronik.pipeline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A group id reused after its group was deleted: the new group (incarnation 1) on node 1 must never take
 * a message of the deleted group (incarnation 0) still in flight or sent by a node that has not applied
 * the deletion, nor of a later one. A stale append at term 5 would otherwise make it jump to term 5 and
 * store the deleted group's entry.
 */
class RaftNodeGroupIncarnationTest {
  private static final int GROUP = 7;

  private static RaftNodeGroup group(int incarnation) {
    MemoryLogStorage storage = new MemoryLogStorage();
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(0, 1, 2)), RaftOptions.defaults(), new Random(1));
    return new RaftNodeGroup(GROUP, incarnation, node, storage, null);
  }

  private static Message staleAppend() {
    return Message.of(MessageType.APPEND, 0, 1, 5).log(0, 0).commit(1)
        .entries(List.of(Entry.normal(1, 5, "deleted topic's record".getBytes()))).build();
  }

  @Test
  void anAppendOfTheDeletedIncarnationIsDroppedAndChangesNothing() {
    RaftNodeGroup reused = group(1);

    reused.step(new GroupMessage(GROUP, 0, staleAppend()));
    reused.step(new GroupMessage(GROUP, 2, Message.of(MessageType.VOTE, 2, 1, 9).log(40, 8).build()));

    assertThat(reused.term()).as("no term jump").isZero();
    assertThat(reused.lastIndex()).as("no foreign entry").isZero();
    assertThat(reused.commitIndex()).isZero();
    assertThat(reused.staleMessagesDropped()).isEqualTo(2);
  }

  /** The control: the same append, of the group's own incarnation, is taken, and the answer carries it. */
  @Test
  void theSameAppendOfItsOwnIncarnationIsTakenAndAnsweredWithIt() {
    RaftNodeGroup reused = group(1);

    reused.step(new GroupMessage(GROUP, 1, staleAppend()));

    assertThat(reused.term()).isEqualTo(5);
    assertThat(reused.lastIndex()).isEqualTo(1);
    assertThat(reused.staleMessagesDropped()).isZero();
    GroupReady<GroupMessage> ready = reused.ready();
    assertThat(ready.messageCount()).isPositive();
    assertThat(ready.message(0).incarnation()).isEqualTo(1);
    assertThat(ready.message(0).groupId()).isEqualTo(GROUP);
  }

  @Test
  void aGroupOfAnIdsFirstUseTakesMessagesWithoutAnIncarnation() {
    MemoryLogStorage storage = new MemoryLogStorage();
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(0, 1, 2)), RaftOptions.defaults(), new Random(1));
    RaftNodeGroup first = new RaftNodeGroup(GROUP, node, storage);

    first.step(new GroupMessage(GROUP, staleAppend()));

    assertThat(first.incarnation()).isZero();
    assertThat(first.term()).isEqualTo(5);
  }
}
