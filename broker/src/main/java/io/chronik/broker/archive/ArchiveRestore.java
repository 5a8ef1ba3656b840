package io.chronik.broker.archive;

import io.chronik.broker.archive.ArchiveManifest.ArchivedFile;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateFile;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import io.chronik.raft.storage.SnapshotFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

/**
 * Cold start from the archive: rebuilds one node's data dir from the furthest copy of every group
 * (the manifest, of any node's, with the highest archived index). Every object is checked against its
 * manifest's size and SHA-256, and a mismatch stops the restore with the object's name: nothing
 * corrupt is ever written as a log. Each group gets a hard state of the term of its last restored entry,
 * no vote, and its archived index as commit, so every node restored from one archive starts from the
 * same committed log and Raft carries on from there. A snapshot newer than the restored log is
 * dropped (its fallback is used when that one is old enough).
 */
public final class ArchiveRestore {
  /**
   * Written into a restored data dir: its node takes the directory id its registration in the restored metadata
   * names (the cluster is the old one refounded, every node from the same committed log), instead of counting as
   * a node that lost its disk (docs/MEMBERSHIP.md).
   */
  public static final String RESTORED_FILE = "restored-from-archive";

  /** What was restored of one group: its Raft index range and, for partitions, its Kafka offset range. */
  public record Restored(String group, int fromNode, long firstIndex, long lastIndex, long firstOffset,
      long lastOffset, long bytes) {
    @Override
    public String toString() {
      return "group=" + group + " fromNode=" + fromNode + " indexes=" + firstIndex + ".." + lastIndex
          + (firstOffset < 0 ? "" : " offsets=" + firstOffset + ".." + lastOffset) + " bytes=" + bytes;
    }
  }

  private final ArchiveClient client;
  private final ArchiveLocation location;

  public ArchiveRestore(ArchiveClient client, ArchiveLocation location) {
    this.client = client;
    this.location = location;
  }

  /** The manifest to restore each group from: the furthest of any node's. */
  public Map<String, ArchiveManifest> furthest(PrintStream log) throws ArchiveException {
    Map<String, ArchiveManifest> best = new TreeMap<>();
    for (String key : client.list(location.key("node-"))) {
      if (!key.endsWith("/" + GroupArchiver.MANIFEST)) {
        continue;
      }
      ArchiveManifest m;
      try {
        m = ArchiveManifest.decode(client.get(key), key);
      } catch (ArchiveException damaged) {
        log.println("restore " + damaged.getMessage() + " action=try-manifest.prev");
        String previous = key + ".prev";
        if (!client.list(previous).contains(previous)) {
          continue;
        }
        m = ArchiveManifest.decode(client.get(previous), previous);
      }
      ArchiveManifest current = best.get(m.group());
      if (current == null || m.archivedIndex() > current.archivedIndex()) {
        best.put(m.group(), m);
      }
    }
    if (best.isEmpty()) {
      throw new ArchiveException("archive=" + location + " reason=no-manifests");
    }
    return best;
  }

  /** Restores every group into {@code dataDir} (whose {@code raft/} must not hold anything yet). */
  public List<Restored> restore(Path dataDir, PrintStream log) throws IOException, ArchiveException {
    Path raftDir = dataDir.resolve("raft");
    if (Files.isDirectory(raftDir)) {
      try (Stream<Path> any = Files.list(raftDir)) {
        if (any.findAny().isPresent()) {
          throw new ArchiveException("dataDir=" + dataDir + " reason=not-empty expected=an-empty-data-dir");
        }
      }
    }
    NioDisk disk = new NioDisk();
    disk.createDirectoriesDurably(raftDir);
    List<Restored> restored = new ArrayList<>();
    try (HardStateJournal journal = HardStateJournal.open(disk, raftDir)) {
      for (ArchiveManifest m : furthest(log).values()) {
        Restored r = restoreGroup(m, raftDir, journal, disk);
        log.println("restore " + r);
        restored.add(r);
      }
      journal.sync();
    }
    Path marker = dataDir.resolve(RESTORED_FILE);
    Files.writeString(marker, "restored from " + location + "\n");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(marker,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    disk.syncDirectory(dataDir);
    return restored;
  }

  private Restored restoreGroup(ArchiveManifest m, Path raftDir, HardStateJournal journal, NioDisk disk)
      throws IOException, ArchiveException {
    Path dir = raftDir.resolve(m.group());
    disk.createDirectoriesDurably(dir);
    long bytes = 0;
    String folder = location.groupFolder(m.node(), m.group());
    for (ArchivedFile f : m.files()) {
      download(folder + f.object(), f, dir.resolve(f.name()));
      bytes += f.bytes();
    }
    disk.syncDirectory(dir);
    dropSnapshotsBeyond(disk, dir, m.archivedIndex());
    long lastTerm = 0;
    for (ArchivedFile f : m.files()) {
      if (f.segment() && f.lastIndex() == m.archivedIndex()) {
        lastTerm = io.chronik.raft.storage.SegmentFiles.committedPrefix(dir.resolve(f.name()), f.lastIndex()).lastTerm();
      }
    }
    io.chronik.raft.storage.HardStateStore slot = journal.slot(m.group());
    slot.stage(new HardStateFile.Stored(lastTerm, HardStateFile.Stored.EMPTY.vote(), m.archivedIndex()));
    // open it as the broker will: recovery checks every frame, the snapshot and the log start
    try (DurableLogStorage storage = DurableLogStorage.open(disk, dir, LogConfig.defaults(), e -> LogEntry.NO_KEY,
        false, slot)) {
      if (storage.lastIndex() < m.archivedIndex()) {
        throw new ArchiveException("group=" + m.group() + " archivedIndex=" + m.archivedIndex() + " restoredLastIndex="
            + storage.lastIndex() + " reason=restored-log-short");
      }
      long[] offsets = offsets(storage, m.group());
      return new Restored(m.group(), m.node(), storage.firstIndex(), storage.lastIndex(), offsets[0], offsets[1], bytes);
    }
  }

  private void download(String key, ArchivedFile f, Path target) throws IOException, ArchiveException {
    MessageDigest sha = GroupArchiver.sha256();
    long written;
    InputStream body = new java.io.ByteArrayInputStream(client.get(key));
    try (InputStream in = ArchiveCompression.of(f.object()) == ArchiveCompression.GZIP ? new GZIPInputStream(body)
        : body;
        OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
      written = in.transferTo(out);
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new ArchiveException("object=" + key + " reason=not-gzip-or-truncated error=" + e.getMessage(), e);
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (written != f.bytes() || !actual.equals(f.sha256())) {
      Files.deleteIfExists(target);
      throw new ArchiveException("object=" + key + " bytes=" + written + " expectedBytes=" + f.bytes() + " sha256="
          + actual + " expected=" + f.sha256() + " reason=object-does-not-match-manifest");
    }
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** A snapshot past the restored log would claim state the log does not hold: use an older one or none. */
  private static void dropSnapshotsBeyond(NioDisk disk, Path dir, long archivedIndex) throws IOException {
    for (String name : List.of("snapshot", "snapshot.prev")) {
      SnapshotFile.Stored newest = new SnapshotFile(disk, dir).load();
      if (newest.index() <= archivedIndex) {
        return;
      }
      Files.deleteIfExists(dir.resolve(name));
    }
    disk.syncDirectory(dir);
  }

  /** First and last Kafka offset of a partition group's restored log, {-1, -1} for other groups. */
  private static long[] offsets(DurableLogStorage storage, String group) throws IOException {
    long first = -1;
    long last = -1;
    if (!group.startsWith("p")) {
      return new long[] {first, last};
    }
    for (long i = storage.firstIndex(); i <= storage.lastIndex() && first < 0; i += 64) {
      for (LogEntry e : storage.log().read(i, Math.min(storage.lastIndex() + 1, i + 64), 1 << 20)) {
        if (e.key() != LogEntry.NO_KEY && first < 0) {
          first = e.key();
        }
      }
    }
    for (long i = storage.lastIndex(); i >= storage.firstIndex() && last < 0; i--) {
      List<LogEntry> entries = storage.log().read(i, i + 1, Integer.MAX_VALUE);
      if (!entries.isEmpty() && entries.get(0).key() != LogEntry.NO_KEY) {
        for (MutableRecordBatch b : MemoryRecords.readableRecords(ByteBuffer.wrap(entries.get(0).payload())).batches()) {
          last = Math.max(last, b.lastOffset());
        }
      }
    }
    return new long[] {first, last};
  }
}
