package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the {@link MetadataImage} needs of its node to host partitions (driver thread): an interface,
 * so that the image can be built, snapshotted and restored in a test without a running node.
 */
interface PartitionHost {
  int selfId();

  /** The broker's settings (a topic's policies are its configs over these defaults). */
  BrokerConfig config();

  /** Opens this node's replica of partition {@code p} and adds it to the driver. */
  PartitionGroup openPartition(TopicSpec topic, TopicSpec.PartitionSpec p) throws IOException;

  void closePartition(int groupId);

  /** The partition was deleted: its hard state leaves the node's journal. */
  void forgetPartition(String topic, TopicSpec.PartitionSpec p);

  /** The directory the partitions' group directories are in. */
  Path partitionDirPrefix();
}
