package io.chronik.broker.api;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.ClusterNodes;
import io.chronik.broker.group.GroupCoordinator;
import io.chronik.broker.group.OffsetStore;
import io.chronik.broker.partition.ProducerIdAllocator;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.partition.TopicRegistry;
import io.chronik.broker.replication.MetadataCommand;
import io.chronik.broker.replication.ReplicatedNode;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.Uuid;

/**
 * Everything the API handlers touch. All of it is confined to one thread, the broker's state
 * executor: handlers run there, timers fire there, metadata changes and append completions are
 * delivered there, so no handler needs locks.
 *
 * <p>Built whole: what the replication layer reports lives in {@link MetadataState} (built before
 * the {@link ReplicatedNode}), and the advertised address, known only once the listener has bound, in
 * {@link AdvertisedAddress}. No field here is written from outside after construction.
 */
public final class BrokerState {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BrokerState.class);
  private static final long AUTO_CREATE_RETRY_MS = 1000;

  final BrokerConfig config;
  final MetadataState metadata;
  final TopicRegistry topics;
  final OffsetStore offsets;
  final FetchWaiters fetchWaiters;
  final ProducerIdAllocator producerIds;
  final GroupCoordinator groups;
  final ScheduledExecutorService executor;
  final ReplicatedNode replication;
  final AdvertisedAddress advertised;
  /** Records and bytes in and out, produce requests waiting (read by the metrics registry). */
  public final io.chronik.broker.metrics.Traffic traffic = new io.chronik.broker.metrics.Traffic();
  final int nodeId;
  final ClusterNodes cluster;
  private long clusterIdProposedMs;

  /**
   * Every node clients and peers may reach: the configured ones ({@code cluster.nodes}, and a joined node's seed)
   * and those that registered in the metadata since (nodes joined by {@code cluster.bootstrap}), by id; not the
   * ones that left the cluster (UnregisterBroker).
   */
  java.util.List<ClusterNodes.Node> knownNodes() {
    java.util.Map<Integer, ClusterNodes.Node> all = new java.util.TreeMap<>();
    io.chronik.broker.replication.RegisteredNodes registered = replication.views().registeredNodes();
    cluster.nodes().stream().filter(n -> !registered.left(n.id())).forEach(n -> all.put(n.id(), n));
    registered.all().forEach(r -> all.putIfAbsent(r.id(),
        new ClusterNodes.Node(r.id(), r.host(), r.kafkaPort(), r.raftPort())));
    return java.util.List.copyOf(all.values());
  }

  /** {@link #knownNodes} entry of {@code id}, or null. */
  ClusterNodes.Node knownNode(int id) {
    return knownNodes().stream().filter(n -> n.id() == id).findFirst().orElse(null);
  }

  public BrokerState(BrokerConfig config, MetadataState metadata, ReplicatedNode replication,
      ProducerIdAllocator producerIds, GroupCoordinator groups, ScheduledExecutorService executor,
      AdvertisedAddress advertised) {
    this.config = config;
    this.metadata = metadata;
    this.topics = metadata.topics;
    this.offsets = metadata.offsets;
    this.fetchWaiters = metadata.fetchWaiters;
    this.replication = replication;
    this.producerIds = producerIds;
    this.groups = groups;
    this.executor = executor;
    this.advertised = advertised;
    this.nodeId = config.nodeId();
    this.cluster = config.clusterNodes();
  }

  /**
   * Asks the metadata group to create {@code name} with the default partition count if auto-creation
   * is on (at most once a second per name); the topic appears once the creation is applied. Returns why
   * it cannot be created ({@code reason=raft-groups-exhausted ...}: too few group ids are left), else null.
   */
  String requestAutoCreate(String name) {
    if (!config.get(BrokerSettings.AUTO_CREATE_TOPICS_ENABLE) || Topic.invalidNameReason(name) != null) {
      return null;
    }
    int partitions = config.get(BrokerSettings.NUM_PARTITIONS);
    String refusal = metadata.groupIds().refusal(partitions);
    long now = System.currentTimeMillis();
    Long last = metadata.autoCreateRequestedMs.get(name);
    if (last != null && now - last < AUTO_CREATE_RETRY_MS) {
      return refusal;
    }
    metadata.autoCreateRequestedMs.put(name, now);
    if (refusal != null) {
      log.warn("topic={} action=auto-create-refused {}", name, refusal);
      return refusal;
    }
    Uuid id = Uuid.randomUuid();
    MetadataCommand create = new MetadataCommand.CreateTopic(name, id.getMostSignificantBits(),
        id.getLeastSignificantBits(), partitions, -1);
    if (replication.metadataLeading()) {
      replication.proposeMetadata(create, 0, null, null);
    } else {
      replication.forwardMetadata(create);
    }
    return null;
  }

  /** The node with {@code id} in the member list, or null. */
  ClusterNodes.Node node(int id) {
    return cluster.node(id);
  }

  /** The id every node reports (the metadata log's once chosen). State thread. */
  public String clusterId() {
    return metadata.clusterId();
  }

  /**
   * State thread, periodically: while the metadata log has no cluster id and this node leads it,
   * proposes this node's own id (at most once a second; the first one applied wins).
   */
  public void chooseClusterId() {
    long now = System.currentTimeMillis();
    if (metadata.clusterIdChosen() || !replication.metadataLeading() || now - clusterIdProposedMs < 1000) {
      return;
    }
    clusterIdProposedMs = now;
    replication.proposeMetadata(new MetadataCommand.ClusterId(metadata.localClusterId), 0, null, null);
  }
}
