package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.GroupReady;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replicas of one partition on real storage, messages routed by hand: an old leader's
 * uncommitted suffix is replaced by the new leader's entries, and its offsets and producer state roll
 * back with it.
 */
class PartitionGroupTruncationTest {
  private static final int GROUP = 0;

  @TempDir
  Path dir;
  private final List<PartitionGroup> groups = new ArrayList<>();
  private final List<NodeStorageSync> syncs = new ArrayList<>();
  private final Set<Integer> isolated = new HashSet<>();

  /** Appends whose completions nobody waits for (the registry is not under test here). */
  record Fire(List<ByteBuffer> payloads) implements AppendBatchView {
    @Override
    public int groupId() {
      return GROUP;
    }

    @Override
    public int size() {
      return payloads.size();
    }

    @Override
    public long bytes() {
      return payloads.stream().mapToLong(ByteBuffer::remaining).sum();
    }

    @Override
    public ByteBuffer payload(int i) {
      return payloads.get(i);
    }

    @Override
    public Acks acks(int i) {
      return Acks.ALL;
    }

    @Override
    public long cookie(int i) {
      return i;
    }

    @Override
    public AppendCallback callback(int i) {
      return (cookie, groupId, status, logIndex, originalOffset, refusalCode) -> { };
    }

    @Override
    public Executor executor(int i) {
      return Runnable::run;
    }
  }

  private void open() throws IOException {
    for (int id = 1; id <= 3; id++) {
      NodeStorageSync sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir.resolve("n" + id)));
      DurableLogStorage storage = DurableLogStorage.open(new NioDisk(), dir.resolve("n" + id).resolve("p0"),
          new LogConfig(1 << 20, 4096, 64 << 10, false), e -> LogEntry.NO_KEY, false, sync.journal().slot("p0"));
      RaftNode node = new RaftNode(id, storage, Configuration.of(List.of(1, 2, 3)),
          RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(id * 101L));
      syncs.add(sync);
      groups.add(new PartitionGroup(GROUP, new TopicPartition("t", 0), node, storage, sync));
    }
  }

  @AfterEach
  void close() throws IOException {
    for (NodeStorageSync sync : syncs) {
      sync.close();
    }
    for (PartitionGroup group : groups) {
      group.close(false);
    }
  }

  private PartitionGroup replica(int id) {
    return groups.get(id - 1);
  }

  /** One driver loop on every replica, then delivery of their messages across the (partial) network. */
  private boolean round() throws IOException {
    List<GroupMessage> messages = new ArrayList<>();
    List<Integer> from = new ArrayList<>();
    List<Integer> to = new ArrayList<>();
    boolean any = false;
    for (int id = 1; id <= 3; id++) {
      PartitionGroup group = replica(id);
      if (!group.hasReady()) {
        continue;
      }
      any = true;
      GroupReady<GroupMessage> ready = group.ready();
      if (ready.hasWrites()) {
        group.persist(ready);
        syncs.get(id - 1).sync();
      }
      for (int m = 0; m < ready.messageCount(); m++) {
        messages.add(ready.message(m));
        from.add(id);
        to.add(ready.messageTarget(m));
      }
      group.apply(ready);
      group.advance(ready);
    }
    for (int m = 0; m < messages.size(); m++) {
      if (!isolated.contains(from.get(m)) && !isolated.contains(to.get(m))) {
        replica(to.get(m)).step(messages.get(m));
      }
    }
    return any;
  }

  private void settle() throws IOException {
    for (int i = 0; i < 200 && round(); i++) {
      // until quiet
    }
  }

  private void tick(int... ids) throws IOException {
    for (int id : ids) {
      replica(id).tick();
    }
    settle();
  }

  private PartitionGroup awaitLeader(int... candidates) throws IOException {
    for (int t = 0; t < 500; t++) {
      for (int id : candidates) {
        PartitionGroup group = replica(id);
        if (group.leading()) {
          return group;
        }
      }
      tick(candidates);
    }
    throw new AssertionError("reason=no-leader");
  }

  /** The two replica ids other than {@code id}. */
  private static int[] othersThan(int id) {
    return id == 1 ? new int[] {2, 3} : id == 2 ? new int[] {1, 3} : new int[] {1, 2};
  }

  private static List<Long> committedBaseOffsets(PartitionGroup group) throws IOException {
    List<Long> out = new ArrayList<>();
    for (MutableRecordBatch b : group.readIndex().read(0, Integer.MAX_VALUE, true).batches()) {
      out.add(b.baseOffset());
    }
    return out;
  }

  private static void propose(PartitionGroup leader, ByteBuffer... payloads) {
    AppendBatchView admitted = leader.admit(new Fire(List.of(payloads)), null);
    assertThat(admitted.size()).isEqualTo(payloads.length);
    assertThat(leader.propose(admitted).isAccepted()).isTrue();
  }

  @Test
  void oldLeadersUncommittedSuffixIsRolledBackWithItsOffsetsAndProducerState() throws IOException {
    open();
    PartitionGroup first = awaitLeader(1, 2, 3);
    int firstId = groups.indexOf(first) + 1;
    propose(first, KafkaBatches.plain(2, 1_000L, Compression.NONE), KafkaBatches.idempotent(5L, (short) 0, 0, 1));
    settle();
    tick(1, 2, 3); // heartbeats carry the commit index to the followers
    for (PartitionGroup group : groups) {
      assertThat(committedBaseOffsets(group)).containsExactly(0L, 2L);
    }

    isolated.add(firstId);
    propose(first, KafkaBatches.plain(3, 1_000L, Compression.NONE), KafkaBatches.idempotent(5L, (short) 0, 1, 1));
    settle();
    assertThat(first.logEndOffset()).isEqualTo(7);
    assertThat(first.producerSequences().check(5L, (short) 0, 1, 1).original()).isNotNull();

    int[] others = othersThan(firstId);
    PartitionGroup second = awaitLeader(others);
    propose(second, KafkaBatches.plain(1, 1_000L, Compression.NONE));
    settle();
    assertThat(second.logEndOffset()).isEqualTo(4);

    isolated.clear();
    for (int t = 0; t < 100 && committedBaseOffsets(first).size() < 3; t++) {
      tick(1, 2, 3);
    }

    assertThat(first.leading()).isFalse();
    assertThat(first.logEndOffset()).isEqualTo(4);
    assertThat(committedBaseOffsets(first)).containsExactly(0L, 2L, 3L);
    // the truncated seq-1 batch is forgotten: a retry of it appends again, seq 0 is still a duplicate
    assertThat(first.producerSequences().check(5L, (short) 0, 1, 1)).isSameAs(ProducerSequences.Check.APPEND);
    assertThat(first.producerSequences().check(5L, (short) 0, 0, 0).original().baseOffset()).isEqualTo(2);
  }

  /**
   * The window Raft §5.4.2 leaves open: the old leader committed (and acknowledged) a batch, but its
   * followers never heard the new commit index. The follower that takes over leads before its commit
   * index catches up; it must not count as caught up (offset lookups answer OFFSET_NOT_AVAILABLE)
   * until its own term's no-op commits, and from then on its high watermark and epoch end offsets
   * cover the acknowledged batch.
   */
  @Test
  void aNewLeaderCountsAsCaughtUpOnlyOnceItsTermCommitsAndThenCoversEveryAcknowledgedOffset() throws IOException {
    open();
    PartitionGroup first = awaitLeader(1, 2, 3);
    int firstId = groups.indexOf(first) + 1;
    int firstTerm = first.leaderEpoch();
    propose(first, KafkaBatches.plain(2, 1_000L, Compression.NONE));
    settle();
    tick(1, 2, 3);
    assertThat(first.leaderCaughtUp()).isTrue();

    propose(first, KafkaBatches.plain(3, 1_000L, Compression.NONE));
    round(); // the leader persists the batch and sends it
    round(); // the followers persist it and acknowledge
    isolated.add(firstId); // the leader commits, but its next message (the new commit index) never arrives
    settle();
    assertThat(first.readIndex().highWatermark()).isEqualTo(5);
    int[] others = othersThan(firstId);
    for (int id : others) {
      assertThat(replica(id).readIndex().highWatermark()).as("follower %s never heard the commit", id).isEqualTo(2);
    }

    boolean sawLaggingLeader = false;
    PartitionGroup second = null;
    for (int t = 0; t < 500 && (second == null || !second.leaderCaughtUp()); t++) {
      for (int id : others) {
        replica(id).tick();
      }
      for (int r = 0; r < 200 && round(); r++) {
        for (int id : others) {
          PartitionGroup group = replica(id);
          if (group.leaderCaughtUp()) {
            assertThat(group.readIndex().highWatermark()).isEqualTo(5);
            assertThat(group.readIndex().epochEnd(firstTerm)).containsExactly(firstTerm, 5L);
            second = group;
          } else if (group.leading()) {
            sawLaggingLeader |= group.readIndex().highWatermark() < 5;
            second = group;
          }
        }
      }
    }
    assertThat(sawLaggingLeader).as("a new leader whose high watermark still lags was observed").isTrue();
    assertThat(second).isNotNull();
    assertThat(second.leaderCaughtUp()).isTrue();
    assertThat(second.leaderEpoch()).isGreaterThan(firstTerm);
  }

  /**
   * The log start is part of the replicated log: a committed marker moves it on every replica, a new
   * leader keeps it, and a marker that an isolated leader appended but never committed is rolled back
   * with its suffix and moves nothing anywhere.
   */
  @Test
  void logStartIsTheSameOnEveryReplicaAndSurvivesALeaderChange() throws IOException {
    open();
    PartitionGroup first = awaitLeader(1, 2, 3);
    int firstId = groups.indexOf(first) + 1;
    propose(first, KafkaBatches.plain(10, 1_000L, Compression.NONE), KafkaBatches.plain(10, 1_000L, Compression.NONE));
    propose(first, LogStartMarker.encode(12));
    settle();
    tick(1, 2, 3);
    for (PartitionGroup group : groups) {
      assertThat(group.logStartOffset()).isEqualTo(12);
    }

    isolated.add(firstId);
    propose(first, LogStartMarker.encode(18)); // never committed
    settle();
    assertThat(first.logStartOffset()).as("applied only once committed").isEqualTo(12);
    PartitionGroup second = awaitLeader(othersThan(firstId));
    propose(second, KafkaBatches.plain(5, 1_000L, Compression.NONE));
    settle();
    isolated.clear();
    for (int t = 0; t < 100 && first.readIndex().highWatermark() < 25; t++) {
      tick(1, 2, 3);
    }
    for (PartitionGroup group : groups) {
      assertThat(group.readIndex().highWatermark()).isEqualTo(25);
      assertThat(group.logStartOffset()).as("replica %s", groups.indexOf(group) + 1).isEqualTo(12);
    }
    propose(second, LogStartMarker.encode(22));
    settle();
    tick(1, 2, 3);
    for (PartitionGroup group : groups) {
      assertThat(group.logStartOffset()).isEqualTo(22);
    }
  }
}
