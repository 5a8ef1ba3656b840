package io.chronik.broker.replication;

import io.chronik.raft.node.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A Raft group this node leads, as the snapshot archive sees it: its directory and commit index, read
 * on the driver thread. Only leaders archive, so a group is uploaded once, not once per replica; after a
 * leader change the new leader archives under its own node folder, and restore takes the furthest copy.
 */
public record ArchiveTarget(String groupDir, Path directory, long commitIndex) {
  /** Driver thread: the groups this node leads now, the metadata group first. */
  static List<ArchiveTarget> led(Path raftDir, MetadataGroup metadata, Collection<PartitionGroup> partitions) {
    List<ArchiveTarget> targets = new ArrayList<>();
    if (metadata.roleHint() == Role.LEADER) {
      targets.add(new ArchiveTarget(MetadataGroup.DIR, raftDir.resolve(MetadataGroup.DIR), metadata.commitIndex()));
    }
    for (PartitionGroup p : partitions) {
      if (p.roleHint() == Role.LEADER) {
        String dir = GroupDirs.partition(p.partition().topic(), p.groupId(), p.incarnation(),
            p.partition().partition());
        targets.add(new ArchiveTarget(dir, raftDir.resolve(dir), p.commitIndex()));
      }
    }
    return targets;
  }
}
