package io.chronik.broker.api;

import io.chronik.broker.group.OffsetStore;
import io.chronik.broker.partition.TopicRegistry;
import io.chronik.broker.replication.GroupIdSupply;
import io.chronik.broker.replication.MetadataCommand;
import io.chronik.broker.replication.MetadataListener;
import io.chronik.broker.replication.PartitionGroup;
import io.chronik.broker.replication.ReplicatedNode;
import io.chronik.broker.replication.TopicSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the replication layer applies for the handlers: topics, committed group offsets, the cluster
 * id, fetches waiting for appends. Built before the {@code ReplicatedNode} that reports to it, so that
 * {@link BrokerState} can be built whole after both (no late {@code attach}). State thread only.
 */
public final class MetadataState implements MetadataListener {
  final TopicRegistry topics = new TopicRegistry();
  final OffsetStore offsets = new OffsetStore();
  final FetchWaiters fetchWaiters = new FetchWaiters();
  /** When auto-creation of a topic was last asked for; forgotten once the topic appears. */
  final Map<String, Long> autoCreateRequestedMs = new HashMap<>();
  /** This node's own id, proposed while the metadata log has none. */
  final String localClusterId;
  /** This node's own id until the metadata log's is applied, then the cluster's (one for every node). */
  private String clusterId;
  private boolean clusterIdChosen;
  /**
   * The group ids left as of the metadata applied so far (the image reports its supply at start, before
   * the listener opens, so the default below is never what a request sees).
   */
  private GroupIdSupply groupIds = new GroupIdSupply(ReplicatedNode.GROUPS_MAX, 1);

  public MetadataState(String localClusterId) {
    this.localClusterId = localClusterId;
    this.clusterId = localClusterId;
  }

  /** The id every node reports (the metadata log's once chosen). */
  public String clusterId() {
    return clusterId;
  }

  boolean clusterIdChosen() {
    return clusterIdChosen;
  }

  @Override
  public void clusterIdChosen(String id) {
    clusterIdChosen = true;
    clusterId = id;
  }

  /** The Raft group ids left for new partitions, as the metadata image last reported them. */
  GroupIdSupply groupIds() {
    return groupIds;
  }

  @Override
  public void groupIdsChanged(GroupIdSupply supply) {
    groupIds = supply;
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

  @Override
  public void offsetsReplaced(Map<String, List<MetadataCommand.Offset>> committed) {
    offsets.replaceAll(committed);
  }
}
