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
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What idempotent producers and replicas saw, checked as it happens. The committed Raft log is the
 * one every replica applies (contiguous per process, identical across replicas); its record batches
 * have contiguous offsets, a producer's batch (id, first sequence) is committed at most once and a
 * producer's committed sequences follow each other without gap. An answer SUCCESS must name the index
 * holding that producer batch; an answer DUPLICATE must name the offset the committed original holds
 * (checked when the entry is committed, or at once if it is); the leader of the highest term never
 * refuses a retry (out-of-order sequence). A replica's read index never serves
 * past the committed records, and serves exactly them from its log start ({@link LogStartOracle}).
 */
final class ProduceOracle {
  /** A committed producer batch. */
  record Committed(long producerId, int firstSeq, int lastSeq, long baseOffset, long nextOffset, long index) {}

  /** An answer still waiting for its entry to reach the committed log. */
  record Claim(long producerId, int firstSeq, AppendStatus status, long at, int node) {}

  private final List<Entry> log = new ArrayList<>();
  private final List<Committed> batches = new ArrayList<>();
  private final Map<String, Committed> byProducerSeq = new HashMap<>();
  private final Map<Long, Integer> lastSeq = new HashMap<>();
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

  private static String key(long producerId, int firstSeq) {
    return producerId + ":" + firstSeq;
  }

  /** A process (re)started: its log up to its recovered commit must be the committed log. */
  void restarted(int node, SimulatedPartition partition) {
    lastApplied[node] = partition.appliedIndex();
    lastCommit[node] = partition.group().commitIndex();
    DurableLogStorage storage = partition.storage();
    long commit = storage.hardState().commit();
    if (commit > storage.lastIndex()) {
      throw new SimViolation("node=" + node + " recoveredCommit=" + commit + " lastIndex=" + storage.lastIndex()
          + " reason=recovered-commit-beyond-log");
    }
    long upTo = Math.min(commit, log.size());
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
      Committed c = new Committed(b.producerId(), b.baseSequence(), b.lastSequence(), b.baseOffset(),
          b.nextOffset(), e.index());
      nextOffset = b.nextOffset();
      batches.add(c);
      if (c.producerId() == RecordBatch.NO_PRODUCER_ID) {
        continue;
      }
      Committed earlier = byProducerSeq.putIfAbsent(key(c.producerId(), c.firstSeq()), c);
      if (earlier != null) {
        throw new SimViolation("producerId=" + c.producerId() + " seq=" + c.firstSeq() + " offset=" + c.baseOffset()
            + " index=" + e.index() + " earlierOffset=" + earlier.baseOffset() + " earlierIndex=" + earlier.index()
            + " reason=batch-committed-twice");
      }
      Integer last = lastSeq.put(c.producerId(), c.lastSeq());
      if (last != null && c.firstSeq() != last + 1) {
        throw new SimViolation("producerId=" + c.producerId() + " seq=" + c.firstSeq() + " previousLastSeq=" + last
            + " index=" + e.index() + " reason=producer-sequence-gap");
      }
      Claim success = successClaims.remove(e.index());
      if (success != null) {
        checkSuccess(success);
      }
      Claim duplicate = duplicateClaims.remove(key(c.producerId(), c.firstSeq()));
      if (duplicate != null) {
        checkDuplicate(duplicate);
      }
    }
    Claim success = successClaims.remove(e.index());
    if (success != null) {
      checkSuccess(success); // an entry without that producer batch
    }
  }

  /** A produce answer, heard by its client or not (a wrong answer is wrong either way). */
  void answered(int node, boolean currentLeader, long producerId, int firstSeq, AppendStatus status, long logIndex,
      long originalOffset, short refusalCode) {
    switch (status) {
      case SUCCESS -> {
        acked++;
        Claim claim = new Claim(producerId, firstSeq, status, logIndex, node);
        if (logIndex <= log.size()) {
          checkSuccess(claim);
        } else {
          successClaims.put(logIndex, claim);
        }
      }
      case DUPLICATE -> {
        duplicates++;
        Claim claim = new Claim(producerId, firstSeq, status, originalOffset, node);
        if (byProducerSeq.containsKey(key(producerId, firstSeq))) {
          checkDuplicate(claim);
        } else {
          duplicateClaims.put(key(producerId, firstSeq), claim);
        }
      }
      case REFUSED -> {
        // the leader of the highest term holds every acknowledged batch (leader completeness), so it knows the
        // producer's last sequence; a deposed leader that has not heard of its successor may not, and its refusal
        // is one more retriable answer to the producer
        if (currentLeader) {
          throw new SimViolation("node=" + node + " producerId=" + producerId + " seq=" + firstSeq
              + " refusalCode=" + refusalCode + " reason=retry-refused-by-current-leader");
        }
      }
      default -> {
        // NOT_LEADER, OVERLOADED, STORAGE_ERROR, SHUTDOWN, FAILED: nothing was promised; the producer retries
      }
    }
  }

  private void checkSuccess(Claim claim) {
    Committed there = null;
    for (int i = batches.size() - 1; i >= 0 && batches.get(i).index() >= claim.at(); i--) {
      if (batches.get(i).index() == claim.at()) {
        there = batches.get(i);
      }
    }
    if (there == null || there.producerId() != claim.producerId() || there.firstSeq() != claim.firstSeq()) {
      throw new SimViolation("node=" + claim.node() + " producerId=" + claim.producerId() + " seq="
          + claim.firstSeq() + " index=" + claim.at() + " committedThere=" + there
          + " reason=ack-not-at-committed-index");
    }
  }

  private void checkDuplicate(Claim claim) {
    Committed original = byProducerSeq.get(key(claim.producerId(), claim.firstSeq()));
    if (original == null || original.baseOffset() != claim.at()) {
      throw new SimViolation("node=" + claim.node() + " producerId=" + claim.producerId() + " seq="
          + claim.firstSeq() + " answeredOffset=" + claim.at() + " original=" + original
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

  long installs() {
    return installs;
  }
}
