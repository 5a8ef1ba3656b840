package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.BrokerSettings;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.driver.DrivenGroup;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.DurableLogStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's partition replicas as its {@link MetadataImage} opens and closes them (driver thread): the
 * replicas of a topic open their storage in parallel ({@link PartitionStores}), then each starts its Raft
 * node and joins the driver, in order; a deleted topic's replicas leave the driver and the hard-state
 * journal.
 */
final class PartitionReplicas implements PartitionHost {
  private static final Logger log = LoggerFactory.getLogger(PartitionReplicas.class);

  private final int selfId;
  private final BrokerConfig config;
  private final RaftOptions options;
  /** The Raft node's random source of a group (election jitter), by group id. */
  private final IntFunction<RandomGenerator> randoms;
  private final Path raftDir;
  private final PartitionStores stores;
  private final NodeStorageSync storageSync;
  private final LeaderCommits leaderCommits;
  private final CompletionRegistry registry;
  private final StaleGroupDirs staleDirs;
  /** The node's driver: built after the image this host serves, so looked up at each use (driver thread). */
  private final Supplier<RaftDriver<GroupMessage>> driver;

  PartitionReplicas(BrokerConfig config, RaftOptions options, IntFunction<RandomGenerator> randoms, Path raftDir,
      PartitionStores stores, NodeStorageSync storageSync, LeaderCommits leaderCommits, CompletionRegistry registry,
      Supplier<RaftDriver<GroupMessage>> driver) {
    this.selfId = config.nodeId();
    this.config = config;
    this.options = options;
    this.randoms = randoms;
    this.raftDir = raftDir;
    this.stores = stores;
    this.storageSync = storageSync;
    this.leaderCommits = leaderCommits;
    this.registry = registry;
    this.staleDirs = new StaleGroupDirs(raftDir, storageSync.journal());
    this.driver = driver;
  }

  @Override
  public int selfId() {
    return selfId;
  }

  @Override
  public BrokerConfig config() {
    return config;
  }

  /**
   * Opens this node's replicas of {@code specs}: their storage in parallel ({@link PartitionStores}),
   * then each group here on the driver thread, in order. One result per spec, in order.
   */
  @Override
  public List<PartitionOpening> openPartitions(TopicSpec topic, List<TopicSpec.PartitionSpec> specs) {
    staleDirs.sweep(specs);
    List<CompletableFuture<DurableLogStorage>> opening = stores.open(topic, specs);
    List<PartitionOpening> opened = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      TopicSpec.PartitionSpec p = specs.get(i);
      DurableLogStorage storage;
      try {
        storage = opening.get(i).join();
      } catch (java.util.concurrent.CompletionException e) {
        opened.add(PartitionOpening.failed(p, e.getCause()));
        continue;
      }
      try {
        opened.add(PartitionOpening.opened(p, startPartition(topic, p, storage)));
      } catch (UncheckedIOException e) {
        closeQuietly(storage, p.groupId());
        opened.add(PartitionOpening.failed(p, e));
      }
    }
    return opened;
  }

  private static void closeQuietly(DurableLogStorage storage, int groupId) {
    try {
      storage.close();
    } catch (IOException e) {
      log.warn("group={} reason=close-after-failed-open-failed error={}", groupId, e.toString());
    }
  }

  private PartitionGroup startPartition(TopicSpec topic, TopicSpec.PartitionSpec p, DurableLogStorage storage) {
    RaftNode node = new RaftNode(selfId, storage, Configuration.of(p.replicas()), options, randoms.apply(p.groupId()));
    if (p.replicas().get(0) == selfId) {
      // the preferred replica stands at once (a pre-vote: it disturbs no live leader); the others hold
      // back, so a new or restarted partition elects once, and the leader placement spread evenly
      node.campaign();
    } else {
      node.delayElection(2 * options.electionTicks());
    }
    PartitionGroup group = new PartitionGroup(p.groupId(), p.incarnation(), new TopicPartition(topic.name(), p.index()),
        node, storage, storageSync, p.replicas().get(0), config.get(BrokerSettings.RAFT_SNAPSHOT_INTERVAL_ENTRIES));
    group.catchupHoldEntries(config.get(BrokerSettings.RAFT_CATCHUP_HOLD_ENTRIES));
    storage.log().prepareSparesOn(driver.get().segmentPreparation()); // zero-filled off the driver thread
    driver.get().addGroup(group);
    return group;
  }

  /** The partition was deleted: its hard state leaves the journal (durable with the next sync). */
  @Override
  public void forgetPartition(String topic, TopicSpec.PartitionSpec p) {
    storageSync.journal().forget(GroupDirs.partition(topic, p));
  }

  /**
   * The partition was deleted: it leaves the driver and every table keyed by its group id (pending
   * appends, leader commits heard), so nothing of it is left for the next partition the id goes to.
   */
  @Override
  public void closePartition(int groupId) {
    DrivenGroup<GroupMessage> group = driver.get().group(groupId);
    driver.get().removeGroup(groupId);
    registry.forget(groupId);
    if (group instanceof PartitionGroup partition) {
      leaderCommits.forget(groupId, partition.incarnation());
      try {
        partition.close(false);
      } catch (IOException e) {
        log.warn("group={} reason=close-failed error={}", groupId, e.toString());
      }
    }
  }

  @Override
  public Path partitionDirPrefix() {
    return raftDir;
  }
}
