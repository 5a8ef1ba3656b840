package io.chronik.broker.simulation;

import io.chronik.broker.replication.SimulatedPartition;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.simulation.SimViolation;
import io.chronik.raft.log.Entry;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.DurableLogStorage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What idempotent producers and replicas saw, checked as it happens. The committed Raft log is the
 * one every replica applies (contiguous per process, identical across replicas); its record batches
 * have contiguous offsets, a producer's batch (id, epoch, first sequence) is committed at most once,
 * and per producer the committed batches are in send order: each epoch's from sequence 0 without gap,
 * no batch of an older epoch after a newer one's. An answer SUCCESS must name the index holding that
 * producer batch and the offset the log gives it; an answer DUPLICATE must name the offset the
 * committed original holds (checked when the entry is committed, or at once if it is); the leader of
 * the highest term refuses only what it must ({@link #checkRefusal}). A replica's read index never
 * serves past the committed records, and serves exactly them from its log start ({@link LogStartOracle}).
 */
final class ProduceOracle {
  /** A committed producer batch. */
  record Committed(long producerId, short epoch, int firstSeq, int lastSeq, long baseOffset, long nextOffset,
      long index) {}

  /**
   * An answer still waiting for its entry to reach the committed log: SUCCESS at log index {@code at}
   * with base offset {@code offset}, or DUPLICATE of the original at offset {@code offset}.
   */
  record Claim(long producerId, short epoch, int firstSeq, AppendStatus status, long at, long offset, int node) {}

  /**
   * A produce answer and what its producer knew then: its current epoch, and whether it still waits for
   * this batch (a stale attempt of a batch settled or given up long ago may legitimately meet a table
   * whose window of {@code ProducerSequences.BATCHES_KEPT} batches has moved past it).
   *
   * @param offset SUCCESS: the base offset the broker answers; DUPLICATE: the original's offset
   */
  record Answer(long producerId, short epoch, int firstSeq, int lastSeq, short producerEpoch, boolean outstanding,
      AppendStatus status, long logIndex, long offset, short refusalCode) {}

  /** The last committed batch of a producer: its epoch and last sequence. */
  private record Last(short epoch, int lastSeq) {}

  private final List<Entry> log = new ArrayList<>();
  private final List<Committed> batches = new ArrayList<>();
  private final Map<String, Committed> byProducerSeq = new HashMap<>();
  private final Map<Long, Last> lastSeq = new HashMap<>();
  /**
   * Per producer unknown to the log until its first committed batch: that batch's epoch and sequence.
   * Lower sequences of that epoch were skipped (never acknowledged, refused out of order from then on).
   */
  private final Map<Long, Last> skippedBelow = new HashMap<>();
  private long sequenceGapsAccepted;
  /** Keys (producer, epoch, first sequence) of the batches that follow an acknowledged batch. */
  private final java.util.Set<String> afterAcked = new java.util.HashSet<>();
  private final Map<Long, Claim> successClaims = new HashMap<>();
  private final Map<String, Claim> duplicateClaims = new HashMap<>();
  private final Map<Long, Integer> leaders = new HashMap<>();
  private final long[] lastApplied;
  private final long[] lastCommit;
  private long nextOffset;
  /** The highest term any replica reached (observed after its loops). */
  private long highestTerm;
  private long acked;
  private long duplicates;
  /** DUPLICATE answers whose original was no longer its producer's last committed batch: the window's depth at work. */
  private long duplicatesBehindTheLast;
  private long installs;
  private final LogStartOracle logStarts;

  ProduceOracle(int nodes) {
    lastApplied = new long[nodes];
    lastCommit = new long[nodes];
    logStarts = new LogStartOracle(nodes);
  }

  LogStartOracle logStarts() {
    return logStarts;
  }

  private static String key(long producerId, short epoch, int firstSeq) {
    return producerId + ":" + epoch + ":" + firstSeq;
  }

  /** A process (re)started: its log up to its recovered commit must be the committed log. */
  void restarted(int node, SimulatedPartition partition) {
    lastApplied[node] = partition.appliedIndex();
    lastCommit[node] = partition.group().commitIndex();
    DurableLogStorage storage = partition.storage();
    long commit = storage.hardState().commit();
    // a repair cuts committed entries away with the damage: the floor (at least the commit) stands for them
    if (commit > storage.lastIndex() && storage.repairFloorIndex() < commit) {
      throw new SimViolation("node=" + node + " recoveredCommit=" + commit + " lastIndex=" + storage.lastIndex()
          + " reason=recovered-commit-beyond-log");
    }
    long upTo = Math.min(Math.min(commit, log.size()), storage.lastIndex());
    for (long i = storage.firstIndex(); i <= upTo; i++) {
      Entry e = storage.entries(i, i + 1, Long.MAX_VALUE).get(0);
      if (!e.equals(log.get((int) i - 1))) {
        throw new SimViolation("node=" + node + " index=" + i + " reason=recovered-log-differs-from-committed");
      }
    }
    logStarts.restarted(node, partition);
  }

  /**
   * A replica installed a leader's snapshot through {@code index}: it applied everything up to there
   * at once (the entries are the committed ones the other replicas applied).
   */
  void installed(int node, long index) {
    if (index > log.size() || index < lastApplied[node]) {
      throw new SimViolation("node=" + node + " snapshotIndex=" + index + " committedEntries=" + log.size()
          + " lastApplied=" + lastApplied[node] + " reason=installed-snapshot-not-committed-or-stale");
    }
    installs++;
    lastApplied[node] = index;
  }

  /** Entries a replica's applier hands over: contiguous per process, identical across replicas. */
  void applied(int node, List<Entry> entries) {
    for (Entry e : entries) {
      if (e.index() != lastApplied[node] + 1) {
        throw new SimViolation("node=" + node + " applied=" + e.index() + " lastApplied=" + lastApplied[node]
            + " reason=apply-not-contiguous");
      }
      lastApplied[node] = e.index();
      if (e.index() == log.size() + 1) {
        log.add(e);
        committed(e);
      } else if (!e.equals(log.get((int) e.index() - 1))) {
        throw new SimViolation("node=" + node + " index=" + e.index() + " reason=replicas-committed-different-entries");
      }
    }
  }

  /** A newly committed entry: offsets continue, each producer batch once and in sequence. */
  private void committed(Entry e) {
    long marker = SimulatedPartition.logStartNamedBy(e.payload());
    if (marker >= 0) {
      logStarts.committedMarker(e.index(), marker, nextOffset);
      Claim success = successClaims.remove(e.index());
      if (success != null) {
        checkSuccess(success); // a produce acknowledged at a marker's index: wrong
      }
      return;
    }
    for (MutableRecordBatch b : MemoryRecords.readableRecords(ByteBuffer.wrap(e.payload())).batches()) {
      if (b.baseOffset() != nextOffset) {
        throw new SimViolation("index=" + e.index() + " baseOffset=" + b.baseOffset() + " expected=" + nextOffset
            + " reason=offsets-not-contiguous");
      }
      Committed c = new Committed(b.producerId(), b.producerEpoch(), b.baseSequence(), b.lastSequence(),
          b.baseOffset(), b.nextOffset(), e.index());
      nextOffset = b.nextOffset();
      batches.add(c);
      if (c.producerId() == RecordBatch.NO_PRODUCER_ID) {
        continue;
      }
      String key = key(c.producerId(), c.epoch(), c.firstSeq());
      Committed earlier = byProducerSeq.putIfAbsent(key, c);
      if (earlier != null) {
        throw new SimViolation("producerId=" + c.producerId() + " epoch=" + c.epoch() + " seq=" + c.firstSeq()
            + " offset=" + c.baseOffset() + " index=" + e.index() + " earlierOffset=" + earlier.baseOffset()
            + " earlierIndex=" + earlier.index() + " reason=batch-committed-twice");
      }
      checkProducerOrder(c, lastSeq.put(c.producerId(), new Last(c.epoch(), c.lastSeq())));
      Claim success = successClaims.remove(e.index());
      if (success != null) {
        checkSuccess(success);
      }
      Claim duplicate = duplicateClaims.remove(key);
      if (duplicate != null) {
        checkDuplicate(duplicate);
      }
    }
    Claim success = successClaims.remove(e.index());
    if (success != null) {
      checkSuccess(success); // an entry without that producer batch
    }
  }

  /**
   * Per producer, in the committed log: an epoch's batches start at sequence 0 and follow each other
   * without gap (its send order), and once a batch of a newer epoch is committed no batch of an older
   * one follows (the broker fences the old epoch). One exception, Kafka's rule: a producer the log does
   * not know yet is taken at any sequence, so its first committed batch may follow earlier batches that
   * were lost with a deposed leader. Those were never acknowledged (a SUCCESS claim for one finds no
   * such batch at its index and fails) and can never follow (the next expected sequence is past them).
   */
  private void checkProducerOrder(Committed c, Last last) {
    if (last == null && c.firstSeq() != 0) {
      skippedBelow.put(c.producerId(), new Last(c.epoch(), c.firstSeq()));
      sequenceGapsAccepted++;
      return;
    }
    if (last != null && c.epoch() < last.epoch()) {
      throw new SimViolation("producerId=" + c.producerId() + " epoch=" + c.epoch() + " seq=" + c.firstSeq()
          + " index=" + c.index() + " committedEpoch=" + last.epoch() + " reason=old-epoch-batch-after-new-epoch");
    }
    int expected = last == null || c.epoch() != last.epoch() ? 0 : last.lastSeq() + 1;
    if (c.firstSeq() != expected) {
      throw new SimViolation("producerId=" + c.producerId() + " epoch=" + c.epoch() + " seq=" + c.firstSeq()
          + " expectedSeq=" + expected + " previous=" + last + " index=" + c.index() + " reason=producer-sequence-gap");
    }
  }

  /** A produce answer, heard by its client or not (a wrong answer is wrong either way). */
  void answered(int node, boolean currentLeader, Answer a) {
    String key = key(a.producerId(), a.epoch(), a.firstSeq());
    switch (a.status()) {
      case SUCCESS -> {
        acked++;
        afterAcked.add(key(a.producerId(), a.epoch(), a.lastSeq() + 1));
        Claim claim = new Claim(a.producerId(), a.epoch(), a.firstSeq(), a.status(), a.logIndex(), a.offset(), node);
        if (a.logIndex() <= log.size()) {
          checkSuccess(claim);
        } else {
          successClaims.put(a.logIndex(), claim);
        }
      }
      case DUPLICATE -> {
        duplicates++;
        afterAcked.add(key(a.producerId(), a.epoch(), a.lastSeq() + 1));
        Claim claim = new Claim(a.producerId(), a.epoch(), a.firstSeq(), a.status(), -1, a.offset(), node);
        Committed original = byProducerSeq.get(key);
        if (original != null) {
          Last last = lastSeq.get(a.producerId());
          duplicatesBehindTheLast += last.epoch() != original.epoch() || last.lastSeq() != original.lastSeq() ? 1 : 0;
          checkDuplicate(claim);
        } else {
          duplicateClaims.put(key, claim);
        }
      }
      case REFUSED -> {
        if (currentLeader) {
          checkRefusal(node, a, key);
        }
      }
      default -> {
        // NOT_LEADER, OVERLOADED, STORAGE_ERROR, SHUTDOWN, FAILED: nothing was promised; the producer retries
      }
    }
  }

  /**
   * A refusal by the leader of the highest term. It holds every acknowledged batch (leader
   * completeness), so for a batch its producer still waits for it knows the producer's state: it fences
   * an epoch only once the producer moved past it, and it answers out of order only when the batch's
   * predecessor is missing. A batch whose predecessor was acknowledged, or that starts its epoch, is
   * in order; if the batch itself is already in the log it is one of the producer's last 5 (the producer
   * keeps at most 5 in flight), so it must be answered DUPLICATE. A deposed leader that has not heard
   * of its successor may refuse anything: one more retriable answer to the producer.
   */
  private void checkRefusal(int node, Answer a, String key) {
    boolean fencedWrongly = a.refusalCode() == Errors.INVALID_PRODUCER_EPOCH.code()
        && a.epoch() == a.producerEpoch();
    // Kafka's unknown-producer rule: while the log holds no batch of the producer, the leader may have
    // appended a later batch of it (uncommitted) and rightly refuses the earlier ones; once the producer's
    // first committed batch skipped lower sequences, those stay refused
    Last skipped = skippedBelow.get(a.producerId());
    boolean behindTheFirstCommitted = skipped != null && skipped.epoch() == a.epoch() && a.firstSeq() < skipped.lastSeq()
        && !byProducerSeq.containsKey(key);
    boolean unknownToTheLog = !lastSeq.containsKey(a.producerId());
    boolean inOrder = !behindTheFirstCommitted && !unknownToTheLog && (a.firstSeq() == 0 || afterAcked.contains(key)
        || byProducerSeq.containsKey(key) || committedThrough(a.producerId(), a.epoch()) >= a.firstSeq() - 1);
    boolean orderedWrongly = a.refusalCode() == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code() && a.outstanding()
        && inOrder;
    boolean unknown = a.refusalCode() != Errors.INVALID_PRODUCER_EPOCH.code()
        && a.refusalCode() != Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code();
    if (fencedWrongly || orderedWrongly || unknown) {
      throw new SimViolation("node=" + node + " producerId=" + a.producerId() + " epoch=" + a.epoch() + " seq="
          + a.firstSeq() + " producerEpoch=" + a.producerEpoch() + " outstanding=" + a.outstanding()
          + " committed=" + byProducerSeq.get(key) + " logLast=" + lastSeq.get(a.producerId()) + " refusalCode=" + a.refusalCode()
          + " reason=retry-refused-by-current-leader");
    }
  }

  /** The last sequence of {@code epoch} committed for the producer, or -1. */
  private int committedThrough(long producerId, short epoch) {
    Last last = lastSeq.get(producerId);
    return last == null || last.epoch() != epoch ? -1 : last.lastSeq();
  }

  private void checkSuccess(Claim claim) {
    Committed there = null;
    for (int i = batches.size() - 1; i >= 0 && batches.get(i).index() >= claim.at(); i--) {
      if (batches.get(i).index() == claim.at()) {
        there = batches.get(i);
      }
    }
    if (there == null || there.producerId() != claim.producerId() || there.epoch() != claim.epoch()
        || there.firstSeq() != claim.firstSeq()) {
      throw new SimViolation("node=" + claim.node() + " producerId=" + claim.producerId() + " epoch=" + claim.epoch()
          + " seq=" + claim.firstSeq() + " index=" + claim.at() + " committedThere=" + there
          + " reason=ack-not-at-committed-index");
    }
    if (there.baseOffset() != claim.offset()) {
      throw new SimViolation("node=" + claim.node() + " producerId=" + claim.producerId() + " epoch=" + claim.epoch()
          + " seq=" + claim.firstSeq() + " answeredOffset=" + claim.offset() + " committedThere=" + there
          + " reason=ack-offset-not-the-logs");
    }
  }

  private void checkDuplicate(Claim claim) {
    Committed original = byProducerSeq.get(key(claim.producerId(), claim.epoch(), claim.firstSeq()));
    if (original == null || original.baseOffset() != claim.offset()) {
      throw new SimViolation("node=" + claim.node() + " producerId=" + claim.producerId() + " epoch=" + claim.epoch()
          + " seq=" + claim.firstSeq() + " answeredOffset=" + claim.offset() + " original=" + original
          + " reason=duplicate-answer-not-the-original");
    }
  }

  /** After each loop of a replica: commit monotonic within the process, one leader per term, reads committed only. */
  void observe(int node, SimulatedPartition partition) {
    long commit = partition.group().commitIndex();
    if (commit < lastCommit[node]) {
      throw new SimViolation("node=" + node + " commit=" + commit + " before=" + lastCommit[node]
          + " reason=commit-regressed");
    }
    lastCommit[node] = commit;
    highestTerm = Math.max(highestTerm, partition.group().term());
    if (partition.role() == Role.LEADER) {
      Integer other = leaders.putIfAbsent(partition.group().term(), node);
      if (other != null && other != node) {
        throw new SimViolation("term=" + partition.group().term() + " leaders=" + other + "," + node
            + " reason=two-leaders-in-one-term");
      }
    }
    long served = partition.group().readIndex().highWatermark();
    if (served > nextOffset) {
      throw new SimViolation("node=" + node + " highWatermark=" + served + " committedEnd=" + nextOffset
          + " reason=read-index-beyond-committed");
    }
    logStarts.observe(node, partition);
  }

  /** A replica serves exactly the committed batches from its log start to its high watermark. */
  void checkReads(int node, SimulatedPartition partition) {
    logStarts.checkReads(node, partition, batches);
  }

  /** End of run, every replica caught up: every answer checked, every replica serves the committed log. */
  void finalCheck(List<SimBroker> replicas) {
    if (!successClaims.isEmpty() || !duplicateClaims.isEmpty()) {
      Claim open = successClaims.isEmpty() ? duplicateClaims.values().iterator().next()
          : successClaims.values().iterator().next();
      throw new SimViolation("claim=" + open + " committedEntries=" + log.size()
          + " reason=answer-names-an-uncommitted-batch");
    }
    for (SimBroker replica : replicas) {
      SimulatedPartition p = replica.partition();
      if (p.group().readIndex().highWatermark() != nextOffset) {
        throw new SimViolation("node=" + replica.id() + " highWatermark=" + p.group().readIndex().highWatermark()
            + " committedEnd=" + nextOffset + " reason=replica-high-watermark-differs-at-end");
      }
      checkReads(replica.id(), p);
    }
    logStarts.finalCheck(replicas);
  }

  long highestTerm() {
    return highestTerm;
  }

  int committedSize() {
    return log.size();
  }

  long acked() {
    return acked;
  }

  long duplicates() {
    return duplicates;
  }

  /** Producers whose first committed batch followed lost, never acknowledged ones (Kafka's unknown-producer rule). */
  long sequenceGapsAccepted() {
    return sequenceGapsAccepted;
  }

  long duplicatesBehindTheLast() {
    return duplicatesBehindTheLast;
  }

  long installs() {
    return installs;
  }
}
