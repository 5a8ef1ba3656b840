package io.chronik.broker.replication;

import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.raft.log.Entry;
import io.chronik.raft.node.ProposeResult;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.DurableLogStorage;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.common.TopicPartition;

/**
 * The tail of a {@link PartitionGroup}'s log as accounted: the offset after the last data entry of the
 * log (stable and unstable) up to {@code accountedIndex}, and the {@link ProducerSequences} of the same
 * entries. A leader assigns offsets from it as it admits a batch; every replica accounts the entries it
 * persists; a refused proposal or a conflicting suffix from a new leader rolls both back. Driver thread.
 *
 * <p>Offsets are contiguous, so each data entry accounted starts at the tail before it (asserted in
 * {@link #account}: the check runs per entry on the driver thread).
 */
final class AccountedTail {
  private final TopicPartition partition;
  private final DurableLogStorage durable;
  /** Offset after the last stored data entry below an index (the group knows where its snapshot stops a scan). */
  private final LongUnaryOperator storedTailBefore;
  private final ProducerSequences sequences = new ProducerSequences();
  /** (raft index, next offset) of the most recent data entries, for truncation roll-back. */
  private final TailOffsets tail = new TailOffsets();
  private long tailOffset;
  private long accountedIndex;
  private long proposeTerm = -1;
  private long pendingFirstIndex;
  private long pendingSavedTail;

  AccountedTail(TopicPartition partition, DurableLogStorage durable, LongUnaryOperator storedTailBefore) {
    this.partition = partition;
    this.durable = durable;
    this.storedTailBefore = storedTailBefore;
  }

  /** Offset after the last accounted data entry. */
  long offset() {
    return tailOffset;
  }

  /** Producer state as of the accounted entries. */
  ProducerSequences sequences() {
    return sequences;
  }

  /** Starts from a snapshot: its producer table and the offset after its last record. */
  void startAt(byte[] producerTable, long nextOffset) {
    sequences.decode(ByteBuffer.wrap(producerTable));
    tailOffset = nextOffset;
  }

  /** Forgets the recent entries kept for roll-back (the log was replaced by a leader's snapshot image). */
  void clearRecent() {
    tail.clear();
  }

  /**
   * Accounts the stored entries {@code [from, last]}, continuing from the stored tail before {@code from}
   * when entries precede it (else from the tail as it is: empty, or a snapshot's).
   */
  void replay(long from, long last) {
    if (from > durable.firstIndex()) {
      tailOffset = storedTailBefore.applyAsLong(from); // the tail the scanned entries continue from
    }
    long committed = durable.hardState().commit(); // stored entries at or below it are never truncated
    for (long index = from; index <= last; ) {
      List<Entry> chunk = durable.entries(index, last + 1, 16L << 20);
      for (Entry e : chunk) {
        account(e, committed);
      }
      index += chunk.size();
    }
    accountedIndex = last;
  }

  /**
   * A leader assigns the offsets of {@code proposal}'s admitted appends (a refused one keeps none: the
   * answer is in {@code registry}); a follower admits all and assigns none (propose will refuse them).
   */
  AppendBatchView admit(AppendBatchView proposal, CompletionRegistry registry, RaftNode node) {
    if (node.role() != Role.LEADER) {
      pendingFirstIndex = Long.MAX_VALUE; // nothing to roll back when propose answers NOT_LEADER
      pendingSavedTail = tailOffset;
      return proposal;
    }
    pendingFirstIndex = node.lastIndex() + 1;
    pendingSavedTail = tailOffset;
    long index = pendingFirstIndex;
    int epoch = (int) node.term();
    int[] admitted = null;
    int admittedCount = 0;
    for (int i = 0; i < proposal.size(); i++) {
      ByteBuffer payload = proposal.payload(i);
      if (LogStartMarker.is(payload)) { // no offsets, no producer: it takes effect when applied
        index++;
        if (admitted != null) {
          admitted[admittedCount++] = i;
        }
        continue;
      }
      AppendStatus refusal = sequences.admit(payload, node.commitIndex(), proposal, i, registry);
      if (refusal != null) {
        if (admitted == null) {
          admitted = new int[proposal.size()];
          for (int k = 0; k < i; k++) {
            admitted[admittedCount++] = k;
          }
        }
        continue;
      }
      long base = tailOffset;
      tailOffset = BatchHeaders.assign(payload, base, epoch);
      sequences.record(payload, base, index, node.commitIndex());
      tail.push(index, tailOffset);
      index++;
      if (admitted != null) {
        admitted[admittedCount++] = i;
      }
    }
    return admitted == null ? proposal : new AdmittedBatch(proposal, admitted, admittedCount);
  }

  /**
   * The proposal of the last {@link #admit} was accepted (its entries are accounted, of {@code term}) or
   * refused (rolled back). Returns the log end offset readers get now: the tail, or after a refusal the
   * rolled-back one (the saved tail becomes the tail).
   */
  long proposed(ProposeResult result, int size, long term) {
    if (!result.isAccepted()) {
      long rolledBack = rollBack(pendingFirstIndex);
      tailOffset = pendingSavedTail;
      return rolledBack;
    }
    accountedIndex = result.firstIndex() + size - 1;
    proposeTerm = term;
    return tailOffset;
  }

  /**
   * Accounts the entries a Ready persists: this term's own proposals are accounted already; anything
   * else at or below the accounted index replaces a conflicting suffix.
   */
  void persisted(List<Entry> entries, long commitIndex) {
    int from = 0;
    while (from < entries.size() && entries.get(from).index() <= accountedIndex
        && entries.get(from).term() == proposeTerm) {
      from++;
    }
    if (from < entries.size() && entries.get(from).index() <= accountedIndex) {
      rollBack(entries.get(from).index());
    }
    for (int i = from; i < entries.size(); i++) {
      account(entries.get(i), commitIndex);
    }
  }

  private void account(Entry entry, long commitIndex) {
    accountedIndex = entry.index();
    if (!BatchHeaders.isData(entry)) {
      return;
    }
    ByteBuffer payload = ByteBuffer.wrap(entry.payload());
    long base = BatchHeaders.baseOffset(payload);
    assert base == tailOffset : "partition=" + partition + " index=" + entry.index() + " base=" + base
        + " tail=" + tailOffset + " reason=offsets-not-contiguous";
    tailOffset = BatchHeaders.nextOffset(payload);
    sequences.record(payload, base, entry.index(), commitIndex);
    tail.push(entry.index(), tailOffset);
  }

  /** Forgets entries from {@code fromIndex} on: producer state, tail offset and accounting; the new tail. */
  private long rollBack(long fromIndex) {
    sequences.truncateFrom(fromIndex);
    long kept = tail.dropFrom(fromIndex);
    tailOffset = kept >= 0 ? kept : storedTailBefore.applyAsLong(fromIndex);
    accountedIndex = Math.min(accountedIndex, fromIndex - 1);
    return tailOffset;
  }
}
