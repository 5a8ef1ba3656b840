package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
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
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single-replica partition group on real durable storage, driven by hand the way RaftDriver does. */
class PartitionGroupTest {
  private static final int GROUP = 0;

  @TempDir
  Path dir;
  private Replica replica;

  /** One completion as the registry delivered it. */
  record Completion(long cookie, AppendStatus status, long logIndex, long originalOffset, short refusalCode) {
    static Completion duplicate(long cookie, long originalOffset) {
      return new Completion(cookie, AppendStatus.DUPLICATE, AppendCallback.NO_INDEX, originalOffset,
          AppendCallback.NO_REFUSAL);
    }

    static Completion refused(long cookie, short refusalCode) {
      return new Completion(cookie, AppendStatus.REFUSED, AppendCallback.NO_INDEX, AppendCallback.NO_OFFSET,
          refusalCode);
    }
  }

  /**
   * A proposal of whole payloads, completing into {@code completions}; {@code incarnations} the group's
   * incarnation each append was published for (null: all the first).
   */
  record Proposal(List<ByteBuffer> payloads, long firstCookie, AppendCallback callback, int[] incarnations)
      implements AppendBatchView {
    @Override
    public int incarnation(int i) {
      return incarnations == null ? 0 : incarnations[i];
    }

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
      return firstCookie + i;
    }

    @Override
    public AppendCallback callback(int i) {
      return callback;
    }

    @Override
    public Executor executor(int i) {
      return Runnable::run;
    }
  }

  /** Storage, Raft node, group and the driver's bookkeeping for one replica. */
  private static final class Replica implements AutoCloseable {
    final DurableLogStorage storage;
    final PartitionGroup group;
    final NodeStorageSync sync;
    final InFlightLimit inFlight = new InFlightLimit(10_000);
    final CompletionRegistry registry = new CompletionRegistry(1, inFlight);
    final List<Completion> completions = new ArrayList<>();
    private long knownTerm;
    private long nextCookie;

    Replica(Path dir) throws IOException {
      this(dir, 10_000);
    }

    Replica(Path dir, int uncommittedEntriesMax) throws IOException {
      sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir));
      storage = DurableLogStorage.open(new NioDisk(), dir.resolve("p0"), new LogConfig(1 << 20, 4096, 64 << 10, false),
          e -> e.payload().length >= BatchHeaders.HEADER_BYTES ? BatchHeaders.baseOffset(ByteBuffer.wrap(e.payload()))
              : LogEntry.NO_KEY, false, sync.journal().slot("p0"));
      RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)),
          RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3)
              .uncommittedEntriesMax(uncommittedEntriesMax).build(), new SplittableRandom(11));
      group = new PartitionGroup(GROUP, new TopicPartition("t", 0), node, storage, sync);
      node.campaign();
      drive();
    }

    /** Admits and proposes like RaftDriver.propose; returns the admitted payloads (offsets assigned). */
    List<ByteBuffer> propose(ByteBuffer... payloads) {
      return proposeFor(null, payloads);
    }

    /** {@link #propose} of appends published for the group incarnations {@code incarnations} (null: 0). */
    List<ByteBuffer> proposeFor(int[] incarnations, ByteBuffer... payloads) {
      for (int i = 0; i < payloads.length; i++) {
        assertThat(inFlight.tryAcquire()).isTrue();
      }
      Proposal proposal = new Proposal(List.of(payloads), nextCookie,
          (cookie, groupId, status, logIndex, originalOffset, refusalCode) ->
              completions.add(new Completion(cookie, status, logIndex, originalOffset, refusalCode)), incarnations);
      nextCookie += payloads.length;
      AppendBatchView admitted = group.admit(proposal, registry);
      List<ByteBuffer> out = new ArrayList<>();
      for (int i = 0; i < admitted.size(); i++) {
        out.add(admitted.payload(i));
      }
      if (admitted.size() == 0) {
        return out;
      }
      registry.proposed(admitted, group.propose(admitted), group.term());
      return out;
    }

    /** Ready, persist, sync, apply, advance until the group is quiet. */
    void drive() throws IOException {
      for (int loop = 0; loop < 100 && group.hasReady(); loop++) {
        GroupReady<GroupMessage> ready = group.ready();
        if (ready.term() > knownTerm) {
          knownTerm = ready.term();
          registry.termChanged(GROUP, ready.term());
        }
        if (ready.hasWrites()) {
          group.persist(ready);
          sync.sync();
          if (ready.lastPersistedIndex() > 0) {
            registry.durable(GROUP, ready.lastPersistedIndex());
          }
        }
        group.apply(ready);
        if (ready.committedIndex() > 0) {
          registry.committed(GROUP, ready.committedIndex(), ready.committedTerm());
        }
        group.advance(ready);
      }
      assertThat(group.hasReady()).as("quiet after driving").isFalse();
    }

    Completion completion(long cookie) {
      return completions.stream().filter(c -> c.cookie() == cookie).findFirst()
          .orElseThrow(() -> new AssertionError("cookie=" + cookie + " reason=not-completed " + completions));
    }

    @Override
    public void close() throws IOException {
      sync.close();
      group.close(false);
    }
  }

  @BeforeEach
  void open() throws IOException {
    replica = new Replica(dir);
    assertThat(replica.group.leading()).isTrue();
  }

  @AfterEach
  void close() throws IOException {
    if (replica != null) {
      replica.close();
    }
  }

  private static ByteBuffer plain(int records) {
    return KafkaBatches.plain(records, 1_000L, Compression.NONE);
  }

  private static List<Long> committedBaseOffsets(PartitionGroup group) throws IOException {
    List<Long> out = new ArrayList<>();
    for (MutableRecordBatch b : group.readIndex().read(0, Integer.MAX_VALUE, true).batches()) {
      assertThat(b.isValid()).isTrue();
      out.add(b.baseOffset());
    }
    return out;
  }

  @Test
  void offsetsAreContiguousAcrossEntriesAndProposals() throws IOException {
    List<ByteBuffer> first = replica.propose(plain(3), KafkaBatches.concat(plain(2), plain(4)));
    List<ByteBuffer> second = replica.propose(plain(1));

    assertThat(first).extracting(BatchHeaders::baseOffset).containsExactly(0L, 3L);
    assertThat(BatchHeaders.nextOffset(first.get(1))).isEqualTo(9);
    assertThat(second).extracting(BatchHeaders::baseOffset).containsExactly(9L);
    assertThat(replica.group.logEndOffset()).isEqualTo(10);

    replica.drive();

    assertThat(committedBaseOffsets(replica.group)).containsExactly(0L, 3L, 5L, 9L);
    assertThat(replica.group.readIndex().highWatermark()).isEqualTo(10);
    assertThat(replica.completions).extracting(Completion::status).containsOnly(AppendStatus.SUCCESS);
    assertThat(replica.completions).hasSize(3);
  }

  /**
   * The state thread published appends for a deleted topic whose group id now belongs to this group (it
   * had not yet learnt of the deletion): they are refused NOT_LEADER and never take an offset here.
   */
  @Test
  void appendsPublishedForAnotherIncarnationOfTheGroupIdAreRefusedAndTakeNoOffset() throws IOException {
    List<ByteBuffer> admitted = replica.proposeFor(new int[] {1, 0, 1}, plain(2), plain(3), plain(4));
    replica.drive();

    assertThat(admitted).extracting(BatchHeaders::baseOffset).containsExactly(0L);
    assertThat(replica.completion(0).status()).isEqualTo(AppendStatus.NOT_LEADER);
    assertThat(replica.completion(1).status()).isEqualTo(AppendStatus.SUCCESS);
    assertThat(replica.completion(2).status()).isEqualTo(AppendStatus.NOT_LEADER);
    assertThat(committedBaseOffsets(replica.group)).containsExactly(0L);
    assertThat(replica.group.logEndOffset()).isEqualTo(3);
    assertThat(replica.group.staleAppendsRefused()).isEqualTo(2);
    assertThat(replica.inFlight.inFlight()).isZero();
    assertThat(replica.proposeFor(new int[] {2}, plain(1))).as("all stale: nothing proposed").isEmpty();
  }

  /**
   * The driver applies the metadata group first: a deletion closes a partition whose Ready of the same
   * loop is still to be applied (a restarted node replaying the deletion). Applying it does nothing.
   */
  @Test
  void aReadyAppliedAfterItsGroupWasClosedByADeletionServesNothingAndDoesNotFail() throws IOException {
    replica.propose(plain(2));
    GroupReady<GroupMessage> ready = replica.group.ready();
    for (int loop = 0; loop < 10 && ready.committedIndex() < replica.storage.lastIndex(); loop++) {
      replica.group.persist(ready);
      replica.sync.sync();
      replica.group.advance(ready);
      ready = replica.group.ready();
    }
    replica.group.persist(ready);
    replica.sync.sync();
    assertThat(ready.committedIndex()).as("commits the batch").isEqualTo(replica.storage.lastIndex());

    replica.group.close(false);
    replica.group.apply(ready);
    replica.group.advance(ready);

    assertThat(replica.group.readIndex().highWatermark()).isZero();
    replica = null; // closed already
  }

  @Test
  void committedBatchesCarryTheLeaderEpoch() throws IOException {
    replica.propose(plain(2));
    replica.drive();

    MemoryRecords read = replica.group.readIndex().read(0, Integer.MAX_VALUE, true);
    int epoch = read.batches().iterator().next().partitionLeaderEpoch();
    assertThat(epoch).isEqualTo(replica.group.leaderEpoch()).isPositive();
    assertThat(replica.group.readIndex().epochEnd(epoch)).containsExactly(epoch, 2);
  }

  @Test
  void retryOfACommittedIdempotentBatchIsADuplicateOfTheOriginalAndNotAppended() throws IOException {
    replica.propose(plain(2));
    replica.propose(KafkaBatches.idempotent(5L, (short) 0, 0, 3));
    replica.drive();
    long lastIndexBefore = replica.storage.lastIndex();

    List<ByteBuffer> admitted = replica.propose(KafkaBatches.idempotent(5L, (short) 0, 0, 3));
    replica.drive();

    assertThat(admitted).isEmpty();
    assertThat(replica.completion(2)).isEqualTo(Completion.duplicate(2, 2));
    assertThat(replica.storage.lastIndex()).isEqualTo(lastIndexBefore);
    assertThat(replica.group.logEndOffset()).isEqualTo(5);
    assertThat(committedBaseOffsets(replica.group)).containsExactly(0L, 2L);
  }

  @Test
  void retryOfAnUncommittedOriginalIsOverloaded() throws IOException {
    replica.propose(KafkaBatches.idempotent(5L, (short) 0, 0, 3)); // not driven: uncommitted

    List<ByteBuffer> admitted = replica.propose(KafkaBatches.idempotent(5L, (short) 0, 0, 3));

    assertThat(admitted).isEmpty();
    assertThat(replica.completion(1).status()).isEqualTo(AppendStatus.OVERLOADED);
    replica.drive();
    assertThat(replica.completion(0)).isEqualTo(new Completion(0, AppendStatus.SUCCESS,
        replica.completion(0).logIndex(), AppendCallback.NO_OFFSET, AppendCallback.NO_REFUSAL));
    assertThat(committedBaseOffsets(replica.group)).containsExactly(0L);
  }

  @Test
  void outOfOrderSequenceIsRefusedWhileItsNeighboursAreAppended() throws IOException {
    replica.propose(KafkaBatches.idempotent(5L, (short) 0, 0, 3));
    List<ByteBuffer> admitted = replica.propose(KafkaBatches.idempotent(5L, (short) 0, 7, 1), plain(2),
        KafkaBatches.idempotent(5L, (short) 0, 3, 1));
    replica.drive();

    assertThat(replica.completion(1)).isEqualTo(
        Completion.refused(1, Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code()));
    assertThat(admitted).extracting(BatchHeaders::baseOffset).containsExactly(3L, 5L);
    assertThat(replica.completion(2).status()).isEqualTo(AppendStatus.SUCCESS);
    assertThat(replica.completion(3).status()).isEqualTo(AppendStatus.SUCCESS);
    assertThat(committedBaseOffsets(replica.group)).containsExactly(0L, 3L, 5L);
  }

  @Test
  void fencedProducerEpochIsRefused() throws IOException {
    replica.propose(KafkaBatches.idempotent(5L, (short) 2, 0, 1));
    replica.propose(KafkaBatches.idempotent(5L, (short) 1, 1, 1));

    assertThat(replica.completion(1)).isEqualTo(
        Completion.refused(1, Errors.INVALID_PRODUCER_EPOCH.code()));
  }

  @Test
  void reopeningRecoversLogEndOffsetAndProducerState() throws IOException {
    replica.propose(plain(3), KafkaBatches.idempotent(5L, (short) 0, 0, 2));
    replica.drive();
    replica.close();

    replica = new Replica(dir);

    assertThat(replica.group.logEndOffset()).isEqualTo(5);
    assertThat(committedBaseOffsets(replica.group)).containsExactly(0L, 3L);
    // the retry is recognised from the recovered producer state
    assertThat(replica.propose(KafkaBatches.idempotent(5L, (short) 0, 0, 2))).isEmpty();
    assertThat(replica.completion(0)).isEqualTo(Completion.duplicate(0, 3));
    // the next sequence continues at the recovered tail
    assertThat(replica.propose(KafkaBatches.idempotent(5L, (short) 0, 2, 1)))
        .extracting(BatchHeaders::baseOffset).containsExactly(5L);
    assertThat(replica.propose(KafkaBatches.idempotent(5L, (short) 0, 9, 1))).isEmpty();
    assertThat(replica.completion(2).status()).isEqualTo(AppendStatus.REFUSED);
  }

  @Test
  void refusedProposalRollsBackOffsetsAndProducerState() throws IOException {
    replica.close();
    replica = new Replica(dir, 2);
    replica.propose(plain(1)); // uncommitted: one of the two allowed

    List<ByteBuffer> refused = replica.propose(KafkaBatches.idempotent(7L, (short) 0, 0, 2), plain(1));

    assertThat(refused).hasSize(2); // admitted, then refused by Raft back-pressure
    assertThat(replica.completion(1).status()).isEqualTo(AppendStatus.OVERLOADED);
    assertThat(replica.completion(2).status()).isEqualTo(AppendStatus.OVERLOADED);
    assertThat(replica.group.logEndOffset()).isEqualTo(1);
    replica.drive();
    // the refused batch left no trace: its retry is a fresh append at the restored tail
    assertThat(replica.propose(KafkaBatches.idempotent(7L, (short) 0, 0, 2)))
        .extracting(BatchHeaders::baseOffset).containsExactly(1L);
    replica.drive();
    assertThat(replica.completion(3).status()).isEqualTo(AppendStatus.SUCCESS);
    assertThat(committedBaseOffsets(replica.group)).containsExactly(0L, 1L);
  }

  @Test
  void logEndOffsetIsKnownRightAfterOpeningStoredLog() throws IOException {
    replica.propose(plain(4));
    replica.drive();
    replica.close();

    try (NodeStorageSync sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir))) {
      DurableLogStorage storage = DurableLogStorage.open(new NioDisk(), dir.resolve("p0"),
          new LogConfig(1 << 20, 4096, 64 << 10, false), e -> LogEntry.NO_KEY, false, sync.journal().slot("p0"));
      RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)),
          RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(3));
      assertThat(storage.hardState().term()).as("the term came back from the journal").isPositive();
      PartitionGroup reopened = new PartitionGroup(GROUP, new TopicPartition("t", 0), node, storage, sync);
      // before any Ready (e.g. a follower that has not heard from a leader yet)
      assertThat(reopened.logEndOffset()).isEqualTo(4);
      reopened.close(false);
    } finally {
      replica = null;
    }
  }
}
