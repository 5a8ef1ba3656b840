package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * A node's record that it stopped cleanly: the log directories (names under one parent) it forced
 * whole, segments and directory, after their last write (Kafka's clean-shutdown file does the same
 * job). Opening such a log need not force what recovery finds, which at a restart with thousands of
 * logs is most of the open's cost ({@link LogConfig#cleanShutdown()}).
 *
 * <p>The record is taken at start: read, then deleted with the deletion made durable before any log is
 * opened, so a later crash never finds a stale one. Only the listed directories are trusted, and each
 * only at its first open in the process: a log written by this process and reopened is forced as usual.
 * A damaged record is ignored (every log is then forced, as after a crash). Written only by a node
 * whose every log synced without error at close; a crash during close leaves none.
 */
public final class CleanShutdown {
  public static final String FILE = "clean-shutdown";
  private static final int MAGIC = 0x434c4e31; // "CLN1"

  private CleanShutdown() {}

  /**
   * The names the record in {@code directory} lists (empty when there is none, or it is damaged), after
   * deleting it durably.
   */
  public static Set<String> take(Disk disk, Path directory) throws IOException {
    Path file = directory.resolve(FILE);
    disk.delete(file.resolveSibling(FILE + ChecksummedFile.TMP_SUFFIX));
    if (!disk.exists(file)) {
      return Set.of();
    }
    Set<String> names = new HashSet<>();
    try {
      ByteBuffer body = ChecksummedFile.read(disk, file, MAGIC);
      int count = body.getInt();
      for (int i = 0; i < count; i++) {
        byte[] name = new byte[body.getShort() & 0xffff];
        body.get(name);
        names.add(new String(name, StandardCharsets.UTF_8));
      }
    } catch (CorruptLogException | RuntimeException damaged) {
      System.getLogger(CleanShutdown.class.getName()).log(System.Logger.Level.WARNING,
          "file=" + file + " reason=damaged-clean-shutdown-record action=force-every-log detail=" + damaged);
      names.clear();
    }
    disk.delete(file);
    disk.syncDirectory(directory);
    return names;
  }

  /**
   * Records durably that every log directory of {@code names} under {@code directory} was forced whole
   * after its last write, and nothing will write it before the next {@link #take}: each was closed by
   * {@link SegmentedLog#closeClean} (or {@link DurableLogStorage#closeClean}), whose {@link LogSummary} the
   * next open then trusts instead of reading the segments.
   */
  public static void record(Disk disk, Path directory, Collection<String> names) throws IOException {
    int bytes = 4;
    for (String name : names) {
      bytes += 2 + name.getBytes(StandardCharsets.UTF_8).length;
    }
    ByteBuffer body = ByteBuffer.allocate(bytes).putInt(names.size());
    for (String name : names) {
      byte[] encoded = name.getBytes(StandardCharsets.UTF_8);
      if (encoded.length > 0xffff) {
        throw new IllegalArgumentException("name=" + name + " reason=name-too-long");
      }
      body.putShort((short) encoded.length).put(encoded);
    }
    ChecksummedFile.write(disk, directory.resolve(FILE), MAGIC, body.flip());
  }
}
