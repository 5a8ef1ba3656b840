package io.chronik.broker.metrics;

import io.chronik.broker.replication.ReplicatedNode;
import io.chronik.broker.replication.ReplicationSample;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.raft.message.MessageType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Raft and replication series, read at scrape time from a {@link ReplicationSample} that the driver
 * thread takes on request (the groups are the driver's alone), and the pipeline's HdrHistograms as
 * classic Prometheus histograms. A scrape that cannot get a fresh sample within
 * {@link #SAMPLE_WAIT_MS} serves the previous one rather than hang the scraper.
 */
final class ReplicationCollector implements MultiCollector {
  static final long SAMPLE_WAIT_MS = 2000;
  /** Label values of the metadata group's row in the per-group raft series (KRaft's name for it). */
  static final String METADATA_TOPIC = "__cluster_metadata";

  private final ReplicatedNode node;
  private final String nodeId;
  private final Labels nodeLabels;
  private final long lagEntriesMax;
  private final boolean perPartition;
  private volatile ReplicationSample last;

  ReplicationCollector(ReplicatedNode node, long lagEntriesMax, boolean perPartition) {
    this.node = node;
    this.nodeId = Integer.toString(node.nodeId());
    this.nodeLabels = Labels.of("node_id", nodeId);
    this.lagEntriesMax = lagEntriesMax;
    this.perPartition = perPartition;
  }

  /** A fresh sample, or the previous one when the driver does not answer in time (null before the first). */
  ReplicationSample sample() {
    CompletableFuture<ReplicationSample> f = new CompletableFuture<>();
    if (node.views().sample(f::complete, lagEntriesMax, perPartition)) {
      try {
        last = f.get(SAMPLE_WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // timed out (driver busy): serve the previous sample
      }
    }
    return last;
  }

  @Override
  public MetricSnapshots collect() {
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    out.metricSnapshot(counter("raft_append_entries", "Raft append-entries messages received from peers",
        node.messagesReceived(MessageType.APPEND)));
    out.metricSnapshot(counter("raft_vote_requests", "Raft vote and pre-vote requests received from peers",
        node.messagesReceived(MessageType.VOTE) + node.messagesReceived(MessageType.PRE_VOTE)));
    out.metricSnapshot(counter("raft_heartbeats", "Raft heartbeats received from peers",
        node.messagesReceived(MessageType.HEARTBEAT)));
    out.metricSnapshot(counter("chronik_snapshot_chunks_received",
        "InstallSnapshot chunks received from leaders (0 while no leader compacts its log)",
        node.messagesReceived(MessageType.SNAPSHOT)));
    histograms(out);
    ReplicationSample s = sample();
    if (s == null) {
      return out.build();
    }
    out.metricSnapshot(counter("raft_leader_elections", "Elections this node started, over all its groups",
        s.elections()));
    out.metricSnapshot(counter("chronik_leadership_changes",
        "Times a group hosted here learned of a new leader (first leader after start included)", s.leaderChanges()));
    out.metricSnapshot(gauge("chronik_partitions", "Partitions hosted on this node", s.partitionsHosted()));
    out.metricSnapshot(gauge("chronik_partitions_led", "Partitions this node leads", s.partitionsLed()));
    out.metricSnapshot(gauge("chronik_partitions_under_replicated",
        "Hosted partitions with a replica down or more than replica.lag.entries.max entries behind",
        s.underReplicated()));
    out.metricSnapshot(gauge("chronik_partitions_unavailable", "Hosted partitions without a known leader",
        s.unavailable()));
    out.metricSnapshot(gauge("chronik_partitions_quiescent", "Hosted partitions whose Raft group is quiescent",
        s.quiescent()));
    out.metricSnapshot(gauge("chronik_follower_lag_entries_max",
        "Largest number of entries a follower is behind, over the partitions this node leads", s.followerLagMax()));
    out.metricSnapshot(gauge("chronik_partitions_catching_up",
        "Hosted partitions this node follows whose commit index is more than replica.lag.entries.max below "
            + "the leader's commit as heard", s.catchingUp()));
    out.metricSnapshot(gauge("chronik_metadata_catching_up",
        "1 while the metadata group on this node is more than replica.lag.entries.max behind its leader's commit",
        s.metadataCatchingUp() ? 1 : 0));
    out.metricSnapshot(counter("chronik_snapshots_written",
        "Partition snapshots (producer table at the applied index) stored since start, over hosted partitions",
        s.snapshotsWritten()));
    out.metricSnapshot(counter("chronik_log_cleaner_segments_cleaned",
        "Closed segments rewritten by key compaction (cleanup.policy=compact) since start, over hosted partitions",
        s.cleanerSegmentsCleaned()));
    out.metricSnapshot(counter("chronik_log_cleaner_bytes_reclaimed",
        "Segment bytes freed by key compaction since start, over hosted partitions", s.cleanerBytesReclaimed()));
    out.metricSnapshot(counter("chronik_snapshots_installed",
        "Leader snapshots (InstallSnapshot) persisted by hosted partition replicas since start",
        s.snapshotsInstalled()));
    out.metricSnapshot(counter("chronik_snapshot_bytes_installed",
        "Bytes of leader snapshot images (snapshot plus retained records) installed by hosted partition replicas",
        s.snapshotBytesInstalled()));
    out.metricSnapshot(counter("chronik_snapshot_images_refused",
        "Leader snapshot images hosted partition replicas received whole but refused (whole-image CRC32C "
            + "mismatch or undecodable): never applied, sent again", s.snapshotImagesRefused()));
    out.metricSnapshot(counter("chronik_snapshots_sent",
        "InstallSnapshot transfers of partitions this node started as leader (each resend counts)", s.snapshotsSent()));
    out.metricSnapshot(counter("chronik_snapshot_bytes_sent",
        "Snapshot image bytes this node sent as partition leader", s.snapshotBytesSent()));
    out.metricSnapshot(gauge("chronik_partitions_opened_from_snapshot",
        "Hosted partitions whose state was restored from a stored snapshot when they opened", s.openedFromSnapshot()));
    out.metricSnapshot(counter("chronik_metadata_snapshots_written",
        "Metadata group snapshots (the whole metadata image) stored on this node since start", s.metadataSnapshotsWritten()));
    out.metricSnapshot(counter("chronik_metadata_snapshots_installed",
        "Leader snapshots (InstallSnapshot) of the metadata group persisted on this node since start",
        s.metadataSnapshotsInstalled()));
    out.metricSnapshot(gauge("chronik_metadata_snapshot_index",
        "Raft index of the metadata group's latest snapshot on this node, 0 if none", s.metadataSnapshotIndex()));
    out.metricSnapshot(gauge("chronik_metadata_log_first_index",
        "First Raft index the metadata group's log holds on this node (above 1 once compacted below a snapshot)",
        s.metadataLogFirstIndex()));
    out.metricSnapshot(gauge("chronik_metadata_opened_from_snapshot",
        "1 if the metadata image was loaded from a stored snapshot at this start", s.metadataOpenedFromSnapshot() ? 1 : 0));
    out.metricSnapshot(gauge("chronik_peers_down", "Peer nodes this node currently considers down", s.peersDown()));
    out.metricSnapshot(gauge("chronik_metadata_leader", "Node id of the metadata (controller) leader, -1 if none",
        s.metadataLeader()));
    groupSeries(out, s);
    return out.build();
  }

  /** raft_current_term, raft_commit_index and raft_log_entries per group, and per-partition detail. */
  private void groupSeries(MetricSnapshots.Builder out, ReplicationSample s) {
    GaugeSnapshot.Builder term = GaugeSnapshot.builder().name("raft_current_term").help("Raft term of the group");
    GaugeSnapshot.Builder commit = GaugeSnapshot.builder().name("raft_commit_index")
        .help("Raft commit index of the group");
    GaugeSnapshot.Builder entries = GaugeSnapshot.builder().name("raft_log_entries")
        .help("Entries held in the group's log on this node");
    Labels meta = Labels.of("node_id", nodeId, "topic", METADATA_TOPIC, "partition", "0");
    term.dataPoint(point(meta, s.metadataTerm()));
    commit.dataPoint(point(meta, s.metadataCommitIndex()));
    entries.dataPoint(point(meta, s.metadataLogEntries()));
    GaugeSnapshot.Builder leader = GaugeSnapshot.builder().name("chronik_partition_leader")
        .help("1 if this node leads the partition");
    GaugeSnapshot.Builder under = GaugeSnapshot.builder().name("chronik_partition_under_replicated")
        .help("1 if the partition is under-replicated as this node sees it");
    GaugeSnapshot.Builder lag = GaugeSnapshot.builder().name("chronik_partition_follower_lag_entries")
        .help("Entries the furthest follower is behind (on the leader; 0 elsewhere)");
    for (int i = 0; i < s.partitions(); i++) {
      Labels l = Labels.of("node_id", nodeId, "topic", s.topic()[i], "partition", Integer.toString(s.partition()[i]));
      term.dataPoint(point(l, s.term()[i]));
      commit.dataPoint(point(l, s.commitIndex()[i]));
      entries.dataPoint(point(l, s.entries()[i]));
      leader.dataPoint(point(l, s.leading()[i] ? 1 : 0));
      under.dataPoint(point(l, s.underReplicatedFlag()[i] ? 1 : 0));
      lag.dataPoint(point(l, s.followerLag()[i]));
    }
    out.metricSnapshot(term.build());
    out.metricSnapshot(commit.build());
    out.metricSnapshot(entries.build());
    if (s.partitions() > 0) {
      out.metricSnapshot(leader.build());
      out.metricSnapshot(under.build());
      out.metricSnapshot(lag.build());
    }
  }

  private void histograms(MetricSnapshots.Builder out) {
    PipelineMetrics.Snapshot p = node.metrics().snapshot();
    out.metricSnapshot(HistogramSnapshot.builder().name("chronik_fsync_duration_seconds")
        .help("Durable syncs (one per driver loop for every group of the node) and their latency")
        .dataPoint(HdrBuckets.point(p.syncNanos(), HdrBuckets.SYNC_SECONDS, 1e-9, nodeLabels)).build());
    out.metricSnapshot(HistogramSnapshot.builder().name("chronik_produce_batch_appends")
        .help("Produce appends per Disruptor batch (merged into one Raft proposal per partition)")
        .dataPoint(HdrBuckets.point(p.batchRecords(), HdrBuckets.COUNTS, 1, nodeLabels)).build());
    out.metricSnapshot(HistogramSnapshot.builder().name("chronik_raft_loop_entries")
        .help("Raft log entries persisted per driver loop (under one fsync)")
        .dataPoint(HdrBuckets.point(p.loopEntries(), HdrBuckets.COUNTS, 1, nodeLabels)).build());
  }

  private CounterSnapshot counter(String name, String help, double value) {
    return CounterSnapshot.builder().name(name).help(help)
        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(nodeLabels).value(value).build())
        .build();
  }

  private GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder().name(name).help(help).dataPoint(point(nodeLabels, value)).build();
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
