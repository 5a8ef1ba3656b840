package io.chronik.broker.replication;

/**
 * Names of the Raft groups' directories under a node's {@code raft/} dir; each name is also the group's
 * key in the hard-state journal, so it must never change for a live group.
 */
final class GroupDirs {
  private GroupDirs() {}

  static String partition(String topic, TopicSpec.PartitionSpec p) {
    return partition(topic, p.groupId(), p.index());
  }

  static String partition(String topic, int groupId, int partition) {
    return "p" + groupId + "-" + topic + "-" + partition;
  }
}
