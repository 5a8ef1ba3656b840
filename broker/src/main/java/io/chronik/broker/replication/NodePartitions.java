package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerConfig;
import java.nio.file.Path;
import java.util.List;

/** The running node as its {@link MetadataImage}'s {@link PartitionHost} (driver thread). */
record NodePartitions(ReplicatedNode node) implements PartitionHost {
  @Override
  public int selfId() {
    return node.nodeId();
  }

  @Override
  public BrokerConfig config() {
    return node.config();
  }

  @Override
  public List<PartitionOpening> openPartitions(TopicSpec topic, List<TopicSpec.PartitionSpec> specs) {
    return node.openPartitions(topic, specs);
  }

  @Override
  public void closePartition(int groupId) {
    node.closePartition(groupId);
  }

  @Override
  public void forgetPartition(String topic, TopicSpec.PartitionSpec p) {
    node.forgetPartition(topic, p);
  }

  @Override
  public Path partitionDirPrefix() {
    return node.partitionDirPrefix();
  }
}
