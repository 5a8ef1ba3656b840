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
import io.chronik.broker.replication.MetadataListener;
import io.chronik.broker.replication.PartitionGroup;
import io.chronik.broker.replication.ReplicatedNode;
import io.chronik.broker.replication.TopicSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.Uuid;

/**
 * Everything the API handlers touch. All of it is confined to one thread, the broker's state
 * executor: handlers run there, timers fire there, metadata changes and append completions are
 * delivered there, so no handler needs locks.
 */
public final class BrokerState implements MetadataListener {
  private static final long AUTO_CREATE_RETRY_MS = 1000;

  final BrokerConfig config;
  final TopicRegistry topics = new TopicRegistry();
  final ProducerIdAllocator producerIds;
  final GroupCoordinator groups;
  final OffsetStore offsets = new OffsetStore();
  final ScheduledExecutorService executor;
  final FetchWaiters fetchWaiters = new FetchWaiters();
  /** Records and bytes in and out, produce requests waiting (read by the metrics registry). */
  public final io.chronik.broker.metrics.Traffic traffic = new io.chronik.broker.metrics.Traffic();
  /** This node's own id until the metadata log's is applied, then the cluster's (one for every node). */
  String clusterId;
  private final String localClusterId;
  private boolean clusterIdChosen;
  private long clusterIdProposedMs;
  final int nodeId;
  final ClusterNodes cluster;
  ReplicatedNode replication;
  String advertisedHost;
  int advertisedPort;
  private final Map<String, Long> autoCreateRequestedMs = new HashMap<>();

  public BrokerState(BrokerConfig config, ProducerIdAllocator producerIds, GroupCoordinator groups,
      ScheduledExecutorService executor, String clusterId) {
    this.config = config;
    this.producerIds = producerIds;
    this.groups = groups;
    this.executor = executor;
    this.clusterId = clusterId;
    this.localClusterId = clusterId;
    this.nodeId = config.nodeId();
    this.cluster = config.clusterNodes();
  }

  public void advertise(String host, int port) {
    this.advertisedHost = host;
    this.advertisedPort = port;
  }

  /** Connects the replication layer (once, before requests are served). */
  public void attach(ReplicatedNode node) {
    this.replication = node;
  }

  /**
   * Asks the metadata group to create {@code name} with the default partition count if auto-creation
   * is on (at most once a second per name); the topic appears once the creation is applied.
   */
  void requestAutoCreate(String name) {
    if (!config.get(BrokerSettings.AUTO_CREATE_TOPICS_ENABLE) || Topic.invalidNameReason(name) != null) {
      return;
    }
    long now = System.currentTimeMillis();
    Long last = autoCreateRequestedMs.get(name);
    if (last != null && now - last < AUTO_CREATE_RETRY_MS) {
      return;
    }
    autoCreateRequestedMs.put(name, now);
    Uuid id = Uuid.randomUuid();
    MetadataCommand create = new MetadataCommand.CreateTopic(name, id.getMostSignificantBits(),
        id.getLeastSignificantBits(), config.get(BrokerSettings.NUM_PARTITIONS), -1);
    if (replication.metadataLeading()) {
      replication.proposeMetadata(create, 0, null, null);
    } else {
      replication.forwardMetadata(create);
    }
  }

  /** The node with {@code id} in the member list, or null. */
  ClusterNodes.Node node(int id) {
    return cluster.node(id);
  }

  @Override
  public void clusterIdChosen(String id) {
    clusterIdChosen = true;
    clusterId = id;
  }

  /** The id every node reports (the metadata log's once chosen). State thread. */
  public String clusterId() {
    return clusterId;
  }

  /**
   * State thread, periodically: while the metadata log has no cluster id and this node leads it,
   * proposes this node's own id (at most once a second; the first one applied wins).
   */
  public void chooseClusterId() {
    long now = System.currentTimeMillis();
    if (clusterIdChosen || !replication.metadataLeading() || now - clusterIdProposedMs < 1000) {
      return;
    }
    clusterIdProposedMs = now;
    replication.proposeMetadata(new MetadataCommand.ClusterId(localClusterId), 0, null, null);
  }

  @Override
  public void topicChanged(TopicSpec topic, Map<Integer, PartitionGroup> hosted) {
    topics.update(topic, hosted);
    autoCreateRequestedMs.remove(topic.name());
  }

  @Override
  public void topicDeleted(String name) {
    topics.remove(name);
    offsets.removeTopic(name);
  }

  @Override
  public void partitionsCommitted() {
    fetchWaiters.onAppend();
  }

  @Override
  public void offsetsCommitted(String group, List<MetadataCommand.Offset> committed) {
    offsets.apply(group, committed);
  }
}
