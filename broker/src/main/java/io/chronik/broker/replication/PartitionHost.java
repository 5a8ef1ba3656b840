package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * What the {@link MetadataImage} needs of its node to host partitions (driver thread): an interface,
 * so that the image can be built, snapshotted and restored in a test without a running node.
 */
interface PartitionHost {
  int selfId();

  /** The broker's settings (a topic's policies are its configs over these defaults). */
  BrokerConfig config();

  /**
   * Opens this node's replicas of {@code specs} and adds them to the driver: one result per spec, in
   * order; a replica that cannot open carries its error instead of a group.
   */
  List<PartitionOpening> openPartitions(TopicSpec topic, List<TopicSpec.PartitionSpec> specs);

  void closePartition(int groupId);

  /** The partition was deleted: its hard state leaves the node's journal. */
  void forgetPartition(String topic, TopicSpec.PartitionSpec p);

  /** The directory the partitions' group directories are in. */
  Path partitionDirPrefix();
}
