package io.chronik.pipeline.driver;

import io.chronik.pipeline.commit.DurableSync;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.metrics.PipelineMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Readies one driver loop collected, and the loop's durable step over them: persist every group's
 * writes, ONE sync for the node (group commit across groups; acks=1 appends complete after it), then
 * apply the committed entries, complete acks=all appends and advance every group. Driver thread only;
 * the lists are reused every loop.
 *
 * @param <M> the peer message type
 */
final class ReadyBatch<M> {
  private final List<GroupReady<M>> readies = new ArrayList<>();
  private final List<DrivenGroup<M>> groups = new ArrayList<>();
  private final DurableSync storage;
  private final CommitApplier<M> applier;
  private final CompletionRegistry registry;
  private final PipelineMetrics metrics;
  /** Per group with persisted entries: its id and last persisted index, for the registry after the sync. */
  private final int[] durableGroups;
  private final long[] durableIndexes;
  private final AtomicLong syncs = new AtomicLong();

  ReadyBatch(int groupsMax, DurableSync storage, CommitApplier<M> applier, CompletionRegistry registry,
      PipelineMetrics metrics) {
    this.storage = storage;
    this.applier = applier;
    this.registry = registry;
    this.metrics = metrics;
    this.durableGroups = new int[groupsMax];
    this.durableIndexes = new long[groupsMax];
  }

  void add(DrivenGroup<M> group, GroupReady<M> ready) {
    groups.add(group);
    readies.add(ready);
  }

  boolean isEmpty() {
    return readies.isEmpty();
  }

  int size() {
    return readies.size();
  }

  DrivenGroup<M> group(int i) {
    return groups.get(i);
  }

  /** The Readies in collection order (for the outbox). */
  List<GroupReady<M>> readies() {
    return readies;
  }

  /**
   * Persists every Ready's writes and syncs once (skipped when nothing was written); the registry then
   * learns which acks=1 appends are durable. A failure propagates: the caller stops the driver.
   *
   * @param loopAppends appends proposed since the last loop (metrics)
   */
  void persistAndSync(long loopAppends) throws IOException {
    int durableCount = 0;
    boolean writes = false;
    long entries = 0;
    for (int i = 0; i < readies.size(); i++) {
      GroupReady<M> ready = readies.get(i);
      if (ready.hasWrites()) {
        groups.get(i).persist(ready);
        writes = true;
        entries += ready.entryCount();
        if (ready.lastPersistedIndex() > 0) {
          durableGroups[durableCount] = groups.get(i).groupId();
          durableIndexes[durableCount++] = ready.lastPersistedIndex();
        }
      }
    }
    metrics.recordDriverLoop(loopAppends, entries, readies.size());
    if (!writes) {
      return;
    }
    long started = System.nanoTime();
    storage.sync();
    metrics.recordSync(System.nanoTime() - started);
    syncs.incrementAndGet();
    registry.durable(durableGroups, durableIndexes, durableCount);
  }

  /**
   * After the sync and the messages: applies each Ready's committed entries, completes acks=all appends
   * and advances its group. A commit beyond the group's durable index is a {@link DurabilityViolation}:
   * acknowledging it could confirm writes a crash loses.
   */
  void applyAndAdvance() {
    for (int i = 0; i < readies.size(); i++) {
      DrivenGroup<M> group = groups.get(i);
      GroupReady<M> ready = readies.get(i);
      if (ready.committedIndex() > group.durableIndex()) {
        throw new DurabilityViolation("group=" + group.groupId() + " commit=" + ready.committedIndex()
            + " durable=" + group.durableIndex() + " reason=commit-beyond-durable");
      }
      applier.apply(group, ready);
      if (ready.committedIndex() > 0) {
        registry.committed(group.groupId(), ready.committedIndex(), ready.committedTerm());
      }
      group.advance(ready);
    }
  }

  void clear() {
    readies.clear();
    groups.clear();
  }

  /** Syncs issued: at most one per loop. */
  long syncs() {
    return syncs.get();
  }
}
