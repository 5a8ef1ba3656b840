package io.chronik.control.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a disk would still hold after a power cut, next to the live tree the FUSE layer serves: the
 * content of every file as of its last fsync (one file per file id in {@code store/}), and the entries
 * of every directory as of its last directory fsync. {@link #restore} replaces the live tree with it.
 *
 * <p>File ids, not inode numbers, key the content: the backing file system reuses an unlinked file's
 * inode, and a reused inode must not inherit the durable bytes of the file that had it. Not thread
 * safe: {@link LazyFs} calls it under its lock.
 */
final class DurableImage {
  /** A directory entry's target in the image: a file id, or {@link #DIRECTORY}. */
  static final long DIRECTORY = -1;

  private final Path live;
  private final Path store;
  private final Map<Long, Long> idByInode = new HashMap<>();
  private final Map<Long, TreeMap<Long, Long>> dirtyById = new HashMap<>();
  private final Map<String, Map<String, Long>> entriesByDir = new HashMap<>();
  private long nextId = 1;

  DurableImage(Path live, Path store) {
    this.live = live;
    this.store = store;
  }

  /** Takes the whole live tree as durable (at mount, and after a restore). */
  void adoptLive() throws IOException {
    idByInode.clear();
    dirtyById.clear();
    entriesByDir.clear();
    adoptDir("/");
  }

  private void adoptDir(String dir) throws IOException {
    Map<String, Long> entries = new TreeMap<>();
    for (Path child : list(livePath(dir))) {
      String name = child.getFileName().toString();
      String path = join(dir, name);
      if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        entries.put(name, DIRECTORY);
        adoptDir(path);
      } else {
        long id = id(child);
        entries.put(name, id);
        Files.copy(child, store.resolve(Long.toString(id)), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    entriesByDir.put(dir, entries);
  }

  /** The file id of a live file (assigned at its first use). */
  long id(Path liveFile) throws IOException {
    long inode = ((Number) Files.getAttribute(liveFile, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    Long id = idByInode.get(inode);
    if (id == null) {
      id = nextId++;
      idByInode.put(inode, id);
    }
    return id;
  }

  /** A live file's last link is going away: its inode may be reused by another file. */
  void unlinking(Path liveFile) throws IOException {
    long inode = ((Number) Files.getAttribute(liveFile, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    int links = ((Number) Files.getAttribute(liveFile, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
    if (links <= 1) {
      Long id = idByInode.remove(inode);
      if (id != null) {
        dirtyById.remove(id);
      }
    }
  }

  /** Bytes {@code [from, to)} of file {@code id} changed in the live tree and are not durable yet. */
  void dirty(long id, long from, long to) {
    if (to <= from) {
      return;
    }
    TreeMap<Long, Long> ranges = dirtyById.computeIfAbsent(id, k -> new TreeMap<>());
    Map.Entry<Long, Long> before = ranges.floorEntry(from);
    if (before != null && before.getValue() >= from) {
      from = before.getKey();
      to = Math.max(to, before.getValue());
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(from);
    while (next != null && next.getKey() <= to) {
      to = Math.max(to, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(from);
    }
    ranges.put(from, to);
  }

  /** fsync of a file: its live content (changed ranges and size) becomes its durable content. */
  void syncFile(Path liveFile) throws IOException {
    long id = id(liveFile);
    TreeMap<Long, Long> ranges = dirtyById.remove(id);
    Path durable = store.resolve(Long.toString(id));
    try (FileChannel from = FileChannel.open(liveFile, StandardOpenOption.READ);
        RandomAccessFile to = new RandomAccessFile(durable.toFile(), "rw")) {
      long size = from.size();
      if (ranges != null) {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        for (Map.Entry<Long, Long> r : ranges.entrySet()) {
          for (long at = r.getKey(); at < Math.min(r.getValue(), size); ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), Math.min(r.getValue(), size) - at));
            int n = from.read(buffer, at);
            if (n <= 0) {
              break;
            }
            buffer.flip();
            to.getChannel().write(buffer, at);
            at += n;
          }
        }
      }
      to.setLength(size);
    }
  }

  /** fsync of a directory: its live entries become its durable entries. */
  void syncDir(String dir) throws IOException {
    Map<String, Long> entries = new TreeMap<>();
    for (Path child : list(livePath(dir))) {
      entries.put(child.getFileName().toString(),
          Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) ? DIRECTORY : id(child));
    }
    entriesByDir.put(dir, entries);
  }

  /** Counts of what a restore dropped and kept. */
  record Restored(int files, int directories, long unsyncedFiles) {}

  /**
   * The power cut: the live tree is replaced by the durable image (directories reachable through
   * durable entries from the root, files with their durable content; a durable name of a file never
   * fsynced is an empty file), and the result becomes the new durable state.
   */
  Restored restore() throws IOException {
    long unsynced = dirtyById.size();
    List<Path> children = list(live);
    for (Path child : children) {
      deleteTree(child);
    }
    int[] counts = new int[2];
    restoreDir("/", counts);
    List<Path> old = list(store);
    for (Path p : old) {
      Files.delete(p);
    }
    adoptLive();
    return new Restored(counts[0], counts[1], unsynced);
  }

  private void restoreDir(String dir, int[] counts) throws IOException {
    for (Map.Entry<String, Long> e : entriesByDir.getOrDefault(dir, Map.of()).entrySet()) {
      String path = join(dir, e.getKey());
      Path target = livePath(path);
      if (e.getValue() == DIRECTORY) {
        Files.createDirectory(target);
        counts[1]++;
        restoreDir(path, counts);
      } else {
        Path durable = store.resolve(Long.toString(e.getValue()));
        if (Files.exists(durable)) {
          Files.copy(durable, target);
        } else {
          Files.createFile(target);
        }
        counts[0]++;
      }
    }
  }

  Path livePath(String path) {
    return path.equals("/") ? live : live.resolve(path.substring(1));
  }

  private static String join(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.sorted().toList());
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
