package io.chronik.broker.replication;

/**
 * Names of the Raft groups' directories under a node's {@code raft/} dir; each name is also the group's
 * key in the hard-state journal, so it must never change for a live group.
 */
final class GroupDirs {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GroupDirs.class);

  private GroupDirs() {}

  static String partition(String topic, TopicSpec.PartitionSpec p) {
    return partition(topic, p.groupId(), p.incarnation(), p.index());
  }

  /**
   * {@code p<groupId>-<topic>-<partition>} at an id's first use (the names of before ids were reused),
   * {@code p<groupId>i<incarnation>-<topic>-<partition>} after: a reused id never names a deleted
   * group's directory, even of a topic of the same name.
   */
  static String partition(String topic, int groupId, int incarnation, int partition) {
    return "p" + groupId + (incarnation == 0 ? "" : "i" + incarnation) + "-" + topic + "-" + partition;
  }

  /**
   * The group id and incarnation a partition directory's name carries, or null for another name (the
   * metadata group's, a file): {@code {groupId, incarnation}}.
   */
  static int[] groupOf(String name) {
    int dash = name.indexOf('-');
    if (!name.startsWith("p") || dash < 2) {
      return null;
    }
    String head = name.substring(1, dash);
    int i = head.indexOf('i');
    try {
      int groupId = Integer.parseInt(i < 0 ? head : head.substring(0, i));
      int incarnation = i < 0 ? 0 : Integer.parseInt(head.substring(i + 1));
      return groupId < 1 || incarnation < 0 ? null : new int[] {groupId, incarnation};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Deletes {@code dir} and everything under it; a failure is logged (the next start's stale-dir sweep retries). */
  static void delete(java.nio.file.Path dir) {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(dir)) {
      for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    } catch (java.io.IOException e) {
      log.warn("dir={} reason=delete-failed error={}", dir, e.toString());
    }
  }
}
