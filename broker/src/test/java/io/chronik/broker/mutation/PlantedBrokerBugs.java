package io.chronik.broker.mutation;

import io.chronik.raft.mutation.MutatedModule;
import io.chronik.raft.mutation.PlantedBug;
import java.util.List;
import java.util.Map;

/**
 * The broker's planted bugs: each a minimal change to one snippet of {@code broker/src/main/java}
 * (the raft module's {@link PlantedBug}), hunted by the ordinary swarm run of the broker simulation
 * ({@code BrokerSimulation}: idempotent producers retrying through crashes and whole-cluster restarts)
 * in the raft module's harness. Their unit tests are the untagged tests of the package they all live
 * in, {@code io.chronik.broker.replication} (the module's other untagged tests are not run for a
 * mutant). {@link #FAST} is the CI subset; {@link #MASKED} are reported but need no catch.
 */
final class PlantedBrokerBugs {

  static final MutatedModule MODULE = new MutatedModule("broker", "io.chronik.broker.simulation.BrokerSimulation",
      List.of("raft", "pipeline"), "io.chronik.broker.replication.*Test");

  private static final String GROUP = "io/chronik/broker/replication/PartitionGroup.java";
  private static final String TAIL = "io/chronik/broker/replication/AccountedTail.java";
  private static final String SEQUENCES = "io/chronik/broker/replication/ProducerSequences.java";
  private static final String RETENTION = "io/chronik/broker/replication/SegmentRetention.java";

  static final List<PlantedBug> ALL = List.of(
      new PlantedBug("dedupe-state-not-restored-after-restart", TAIL,
          "    sequences.decode(ByteBuffer.wrap(producerTable));\n",
          "",
          "a replica opening from a snapshot skips the snapshot's producer table: producers whose batches all lie "
              + "at or below the snapshot are unknown, so their retries are appended again"),
      new PlantedBug("snapshot-producer-table-past-applied", GROUP,
          "retention.compactionFloorIndex(), compaction.marker(), accounted.sequences().encode(appliedIndex));",
          "retention.compactionFloorIndex(), compaction.marker(), accounted.sequences().encode(Long.MAX_VALUE));",
          "the snapshot stores the producer table as of the log tail (uncommitted, even unsynced batches) instead "
              + "of the applied index: after a restart that lost them, a retry is answered DUPLICATE of a batch "
              + "that was never committed"),
      new PlantedBug("duplicate-answered-before-commit", SEQUENCES,
          "if (check.original().raftIndex() <= commitIndex) {",
          "if (check.original().raftIndex() <= Long.MAX_VALUE) {",
          "a retry of a batch still uncommitted is answered DUPLICATE at once (the original may yet be truncated)"),
      new PlantedBug("read-index-serves-uncommitted-after-restart", GROUP,
          "      publishStored(durable.firstIndex(), snapshotAt);\n",
          "      publishStored(durable.firstIndex(), durable.lastIndex());\n",
          "a replica opening from a snapshot hands readers every stored entry, not only those the snapshot covers "
              + "(committed): the uncommitted tail is served, and served again when Raft applies it"),
      new PlantedBug("segments-deleted-past-the-snapshots-log-start", RETENTION,
          "lastIndexBelow(snapshotsLogStart()));",
          "lastIndexBelow(logStart));",
          "retention deletes segments below the current log start instead of the stored snapshots' (the bug "
              + "the simulation found, seed 9 of its first retention run): a replica restarting from a snapshot "
              + "taken before the marker serves nothing at that snapshot's log start until it applies the marker"),
      new PlantedBug("log-start-moved-back-by-a-lower-marker", GROUP,
          "logStartOffset = Math.max(logStartOffset, Math.min(LogStartMarker.offset(payload), appliedNextOffset));",
          "logStartOffset = Math.min(LogStartMarker.offset(payload), appliedNextOffset);",
          "a committed log-start marker naming a lower offset than the current log start (a DeleteRecords sent to "
              + "a deposed leader that had not applied the latest marker) moves the log start back, to records "
              + "whose segments may already be deleted"),
      new PlantedBug("dedupe-window-keeps-only-the-last-batch", SEQUENCES,
          "static final int BATCHES_KEPT = 5;",
          "static final int BATCHES_KEPT = 1;",
          "the producer table keeps only each producer's last batch instead of its last 5: a retry of an earlier "
              + "batch still in flight behind it is refused out of order (or, once the producer is forgotten, "
              + "appended again); only a producer with more than one batch in flight sends such a retry"),
      new PlantedBug("old-epoch-not-fenced", SEQUENCES,
          "    if (epoch < last.epoch()) {\n",
          "    if (epoch < last.epoch() && firstSeq < 0) {\n",
          "a batch of an older epoch than the producer's last is no longer refused INVALID_PRODUCER_EPOCH but "
              + "checked against the newer epoch's sequences: a stale attempt of a batch the producer gave up at "
              + "its epoch bump lands after the new epoch's first batch"));

  /** Caught within a few seeds each: the CI subset. */
  static final List<String> FAST = List.of("dedupe-state-not-restored-after-restart",
      "dedupe-window-keeps-only-the-last-batch");

  /**
   * None since producers bump epochs: {@code snapshot-producer-table-past-applied} was masked while every
   * producer kept one epoch (a replayed entry above the snapshot was kept twice, harmlessly); a replayed
   * older-epoch batch now clears the newer epoch's batches from the stored table.
   */
  static final Map<String, String> MASKED = Map.of();
}
