package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness "not catching up", on real groups over real files: node 2 follows a partition and the
 * metadata group of a 3-node cluster with empty logs (commit 0); what its leaders told it decides.
 */
class ReplicationSamplerCatchUpTest {
  private static final int SELF = 2;
  private static final long LAG_MAX = 10;

  @TempDir
  Path dir;
  private NodeStorageSync sync;
  private MetadataGroup metadata;
  private PartitionGroup partition;
  private final PeerLiveness liveness = new PeerLiveness(SELF, List.of(0, 1), 64, Long.MAX_VALUE / 4, 0);

  @BeforeEach
  void open() throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir));
    DurableLogStorage metaStorage = storage("metadata");
    metadata = new MetadataGroup(follower(metaStorage), metaStorage, sync, MetadataImageTest.ignoring(), 100);
    DurableLogStorage partitionStorage = storage("p5");
    partition = new PartitionGroup(5, new TopicPartition("t", 0), follower(partitionStorage), partitionStorage, sync,
        0, 100);
  }

  private DurableLogStorage storage(String name) throws IOException {
    return DurableLogStorage.open(new NioDisk(), dir.resolve(name), new LogConfig(1 << 20, 4096, 64 << 10, false),
        e -> LogEntry.NO_KEY, false, sync.journal().slot(name));
  }

  private static RaftNode follower(DurableLogStorage storage) {
    return new RaftNode(SELF, storage, Configuration.of(List.of(0, 1, SELF)),
        RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(1));
  }

  @AfterEach
  void close() throws IOException {
    partition.close(false);
    metadata.close(false);
    sync.close();
  }

  private ReplicationSample sample(LeaderCommits commits) {
    return ReplicationSampler.take(SELF, metadata, List.of(partition), liveness, commits, LAG_MAX, true, 0);
  }

  @Test
  void aFollowerFurtherBehindItsLeadersCommitThanTheThresholdIsCatchingUp() {
    LeaderCommits commits = new LeaderCommits();
    assertThat(sample(commits).catchingUp()).as("nothing heard yet").isZero();

    commits.heard(5, 0, LAG_MAX);
    assertThat(sample(commits).catchingUp()).as("exactly at the threshold").isZero();

    commits.heard(5, 0, LAG_MAX + 1);
    ReplicationSample behind = sample(commits);
    assertThat(behind.catchingUp()).isEqualTo(1);
    assertThat(behind.metadataCatchingUp()).isFalse();

    commits.heard(MetadataGroup.GROUP_ID, 0, 500);
    assertThat(sample(commits).metadataCatchingUp()).isTrue();

    commits.forget(5, 0);
    commits.forget(MetadataGroup.GROUP_ID, 0);
    ReplicationSample caughtUp = sample(commits);
    assertThat(caughtUp.catchingUp()).isZero();
    assertThat(caughtUp.metadataCatchingUp()).isFalse();
  }

  @Test
  void readyNeedsALeaderEverywhereAndNothingCatchingUp() {
    LeaderCommits commits = new LeaderCommits();
    commits.heard(5, 0, 1000);
    ReplicationSample s = sample(commits);
    assertThat(s.catchingUp()).isEqualTo(1);
    assertThat(s.ready()).isFalse();
  }
}
