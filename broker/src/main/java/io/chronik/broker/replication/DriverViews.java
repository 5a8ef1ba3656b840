package io.chronik.broker.replication;

import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.pipeline.driver.GroupMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Views of this node's Raft groups for readers on other threads (metrics, the archive, admin APIs).
 * Raft state has one writer, the driver thread, so each view is taken there, as a driver task, and
 * handed to the caller's sink; every method returns false when the driver's task queue is full (the
 * caller tries again later) instead of blocking.
 */
public final class DriverViews {
  private static final Logger LOG = LoggerFactory.getLogger(DriverViews.class);

  private final int selfId;
  private final Path raftDir;
  private final MetadataGroup metadata;
  private final MetadataImage image;
  private final PeerLiveness liveness;
  private final LeaderCommits leaderCommits;
  private final RaftDriver<GroupMessage> driver;

  DriverViews(RaftDriver<GroupMessage> driver, int selfId, Path raftDir, MetadataGroup metadata, MetadataImage image, PeerLiveness liveness,
      LeaderCommits leaderCommits) {
    this.driver = driver;
    this.selfId = selfId;
    this.raftDir = raftDir;
    this.metadata = metadata;
    this.image = image;
    this.liveness = liveness;
    this.leaderCommits = leaderCommits;
  }

  /** A {@link ReplicationSample} of every group this node hosts (the caller keeps its previous one on false). */
  public boolean sample(Consumer<ReplicationSample> sink, long lagEntriesMax, boolean perPartition) {
    return driver.offerTask(() -> {
      ReplicationSample sample;
      try {
        sample = ReplicationSampler.take(selfId, metadata, image.hostedGroups(), liveness, leaderCommits,
            lagEntriesMax, perPartition, image.rejoins.rejoining());
      } catch (RuntimeException e) {
        // a metrics sample must never stop the driver: the scrape serves its previous sample
        LOG.warn("sample=replication reason=failed error={}", e.toString());
        return;
      }
      sink.accept(sample);
    });
  }

  /** The groups this node leads, with their commit indexes: the archive's work list. */
  public boolean archiveTargets(Consumer<List<ArchiveTarget>> sink) {
    return driver.offerTask(() -> sink.accept(ArchiveTarget.led(raftDir, metadata, image.hostedGroups())));
  }

  /** The nodes registered in the metadata (any thread). */
  public RegisteredNodes registeredNodes() {
    return image.registered;
  }

  /** The metadata group's quorum (DescribeQuorum). */
  public boolean metadataQuorum(Consumer<MetadataQuorum> sink) {
    return driver.offerTask(() -> sink.accept(metadata.quorum()));
  }

  /** Any thread: this node hears {@code nodeId} (itself always), as of the last liveness round. */
  public boolean hears(int nodeId) {
    return liveness.upAsLastSeen(nodeId);
  }
}
