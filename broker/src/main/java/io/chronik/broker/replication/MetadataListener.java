package io.chronik.broker.replication;

import java.util.List;
import java.util.Map;

/**
 * What the broker's request-handling (state) thread learns from the metadata group, in log order.
 * Called on the state executor; events of one apply arrive before the completions of the proposals
 * they answer (same executor, FIFO).
 */
public interface MetadataListener {
  /**
   * A topic was created or grew. {@code hosted} maps partition index to this node's replica for the
   * partitions this node hosts.
   */
  void topicChanged(TopicSpec topic, Map<Integer, PartitionGroup> hosted);

  void topicDeleted(String name);

  void offsetsCommitted(String group, List<MetadataCommand.Offset> offsets);

  /**
   * A metadata snapshot was loaded (at start, or installed from the leader): these are every group's
   * committed offsets now, replacing whatever was known before.
   */
  void offsetsReplaced(Map<String, List<MetadataCommand.Offset>> offsets);

  /**
   * The group ids left for new partitions changed (at start, as topics are created or grow, when a
   * snapshot is restored): CreateTopics, CreatePartitions and auto-creation are answered from it.
   */
  default void groupIdsChanged(GroupIdSupply supply) {}

  /** The metadata log's cluster id was applied (once per start, from the first ClusterId entry). */
  default void clusterIdChosen(String id) {}

  /** Some hosted partition's high watermark advanced (coalesced: at most one pending call). */
  void partitionsCommitted();
}
