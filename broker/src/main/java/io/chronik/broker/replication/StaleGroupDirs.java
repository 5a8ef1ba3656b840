package io.chronik.broker.replication;

import io.chronik.raft.storage.HardStateJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition directories found at start that belong to an earlier incarnation of a group id (driver
 * thread). A deleted topic's directories go when its deletion is applied; one can outlive it when the
 * process died during the removal, or the removal failed, and a node that restored a metadata snapshot
 * taken after the deletion never hosted the topic to remove it. Before a later incarnation of the id
 * opens, the directories of the earlier ones leave the disk and their hard state the journal, so nothing
 * keyed by the id's old group survives next to the new one (their names differ, so it would never be
 * opened as the new group's anyway). Directories of a later incarnation are left alone: a node replaying
 * the log from an older point opens the earlier incarnation first and reaches the later one after.
 */
final class StaleGroupDirs {
  private static final Logger log = LoggerFactory.getLogger(StaleGroupDirs.class);

  private final Path raftDir;
  private final HardStateJournal journal;
  /**
   * Partition directory names by group id, as listed at the first sweep (later ones are created for the
   * current incarnations, and a deleted topic's are deleted with it); null before it.
   */
  private Map<Integer, List<String>> byGroup;
  private long swept;

  StaleGroupDirs(Path raftDir, HardStateJournal journal) {
    this.raftDir = raftDir;
    this.journal = journal;
  }

  /** Removes the directories of {@code specs}' group ids that an earlier incarnation left (before they open). */
  void sweep(List<TopicSpec.PartitionSpec> specs) {
    for (TopicSpec.PartitionSpec p : specs) {
      if (p.incarnation() == 0) {
        continue; // an id's first use: nothing came before it
      }
      List<String> names = listed().get(p.groupId());
      if (names == null) {
        continue;
      }
      names.removeIf(name -> {
        int[] group = GroupDirs.groupOf(name);
        if (group[1] >= p.incarnation()) {
          return false;
        }
        if (!Files.exists(raftDir.resolve(name))) {
          return true; // listed at the first sweep, deleted since with its topic
        }
        GroupDirs.delete(raftDir.resolve(name));
        journal.forget(name);
        swept++;
        log.warn("group={} incarnation={} dir={} staleIncarnation={} reason=stale-group-dir action=deleted",
            p.groupId(), p.incarnation(), name, group[1]);
        return true;
      });
    }
  }

  /** Directories removed since start (tests). */
  long swept() {
    return swept;
  }

  private Map<Integer, List<String>> listed() {
    if (byGroup == null) {
      byGroup = new HashMap<>();
      if (Files.isDirectory(raftDir)) {
        try (Stream<Path> entries = Files.list(raftDir)) {
          entries.forEach(e -> {
            String name = e.getFileName().toString();
            int[] group = GroupDirs.groupOf(name);
            if (group != null && Files.isDirectory(e)) {
              byGroup.computeIfAbsent(group[0], g -> new ArrayList<>()).add(name);
            }
          });
        } catch (IOException e) {
          throw new UncheckedIOException("dir=" + raftDir + " reason=list-failed", e);
        }
      }
    }
    return byGroup;
  }
}
