package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory disk that remembers what was made durable, so a simulated crash loses exactly what a
 * real power cut may lose: unforced bytes (keeping an arbitrary prefix of them, possibly tearing the
 * next write, see {@link CrashPolicy}) and unsynced creates, renames and deletes.
 *
 * <p>A power cut can also be scheduled after a number of mutating operations
 * ({@link #cutPowerAfter}): that operation and every later one fail with an {@link IOException}
 * until {@link #crash} restarts the disk. Directories themselves are durable once created.
 * Thread-safe: every operation holds the disk's monitor.
 */
public final class SimulatedDisk implements Disk {

  /** One file's bytes as the page cache sees them, and as the platter holds them. */
  static final class Inode {
    byte[] data = new byte[0];
    int size;
    byte[] durable = new byte[0];
    int durableSize;
    final List<Op> pending = new ArrayList<>();

    Inode copy() {
      Inode c = new Inode();
      c.data = Arrays.copyOf(data, data.length);
      c.size = size;
      c.durable = Arrays.copyOf(durable, durable.length);
      c.durableSize = durableSize;
      c.pending.addAll(pending);
      return c;
    }
  }

  sealed interface Op permits Write, Truncate {}

  record Write(long position, byte[] bytes) implements Op {}

  record Truncate(long size) implements Op {}

  sealed interface DirOp permits Link, Unlink, Rename {}

  record Link(Path name, Inode inode) implements DirOp {}

  record Unlink(Path name) implements DirOp {}

  record Rename(Path source, Path target) implements DirOp {}

  private final Map<Path, Inode> names = new HashMap<>();
  private final Map<Path, Inode> durableNames = new HashMap<>();
  private final Map<Path, List<DirOp>> pendingDirOps = new HashMap<>();
  private final Set<Path> directories = new HashSet<>();
  /** Directories whose name is durable in their parent (the root always is). */
  private final Set<Path> durableDirectories = new HashSet<>();
  private final Set<SimulatedChannel> openChannels = new HashSet<>();
  private long mutationsBeforePowerCut = Long.MAX_VALUE;
  private boolean powerCut;
  private long forces;
  private long bytesWritten;

  @Override
  public synchronized FileChannel open(Path file, boolean create) throws IOException {
    file = file.toAbsolutePath().normalize();
    checkPower();
    Inode inode = names.get(file);
    if (inode == null) {
      if (!create) {
        throw new NoSuchFileException(file.toString());
      }
      requireDirectory(file.getParent());
      mutate();
      inode = new Inode();
      names.put(file, inode);
      dirOps(file.getParent()).add(new Link(file, inode));
    }
    SimulatedChannel channel = new SimulatedChannel(this, inode);
    openChannels.add(channel);
    return channel;
  }

  @Override
  public synchronized void rename(Path source, Path target) throws IOException {
    source = source.toAbsolutePath().normalize();
    target = target.toAbsolutePath().normalize();
    checkPower();
    if (!source.getParent().equals(target.getParent())) {
      throw new IOException("reason=cross-directory-rename source=" + source + " target=" + target);
    }
    Inode inode = names.get(source);
    if (inode == null) {
      throw new NoSuchFileException(source.toString());
    }
    mutate();
    names.remove(source);
    names.put(target, inode);
    dirOps(source.getParent()).add(new Rename(source, target));
  }

  @Override
  public synchronized void delete(Path file) throws IOException {
    file = file.toAbsolutePath().normalize();
    checkPower();
    if (names.containsKey(file)) {
      mutate();
      names.remove(file);
      dirOps(file.getParent()).add(new Unlink(file));
    }
  }

  @Override
  public synchronized boolean exists(Path file) throws IOException {
    checkPower();
    file = file.toAbsolutePath().normalize();
    return names.containsKey(file) || directories.contains(file);
  }

  @Override
  public synchronized List<String> list(Path directory) throws IOException {
    directory = directory.toAbsolutePath().normalize();
    checkPower();
    requireDirectory(directory);
    List<String> result = new ArrayList<>();
    for (Path p : names.keySet()) {
      if (directory.equals(p.getParent())) {
        result.add(p.getFileName().toString());
      }
    }
    for (Path p : directories) {
      if (directory.equals(p.getParent())) {
        result.add(p.getFileName().toString());
      }
    }
    result.sort(null);
    return result;
  }

  @Override
  public synchronized List<Path> createDirectories(Path directory) throws IOException {
    checkPower();
    List<Path> parents = new ArrayList<>();
    for (Path p = directory.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (p.getParent() == null) {
        durableDirectories.add(p);
      }
      if (directories.add(p) && p.getParent() != null) {
        parents.add(0, p.getParent());
      }
    }
    return parents;
  }

  @Override
  public synchronized void syncDirectory(Path directory) throws IOException {
    directory = directory.toAbsolutePath().normalize();
    checkPower();
    requireDirectory(directory);
    mutate();
    List<DirOp> ops = dirOps(directory);
    for (DirOp op : ops) {
      applyDirOp(durableNames, op);
    }
    ops.clear();
    for (Path d : directories) {
      if (directory.equals(d.getParent())) {
        durableDirectories.add(d);
      }
    }
  }

  /** After this many further mutating operations (writes, forces, renames...), the power fails. */
  public synchronized void cutPowerAfter(long mutatingOperations) {
    mutationsBeforePowerCut = mutatingOperations;
  }

  /** Whether a scheduled power cut has happened and the disk awaits {@link #crash}. */
  public synchronized boolean powerCut() {
    return powerCut;
  }

  /** Bytes written through channels so far, by every thread (to see who wrote what in tests). */
  public synchronized long bytesWritten() {
    return bytesWritten;
  }

  /** Number of successful channel forces so far (to count fsyncs in tests). */
  public synchronized long forces() {
    return forces;
  }

  /**
   * Simulates a crash and restart: open channels die, and each file and directory keeps its durable
   * state plus what {@code policy} lets through of the unsynced work.
   */
  public synchronized void crash(CrashPolicy policy) {
    for (SimulatedChannel channel : openChannels) {
      channel.kill();
    }
    openChannels.clear();
    IdentityHashMap<Inode, Boolean> seen = new IdentityHashMap<>();
    for (Map.Entry<Path, Inode> e : new TreeMap<>(names).entrySet()) {
      crashInode(e.getKey(), e.getValue(), policy, seen);
    }
    for (Map.Entry<Path, Inode> e : new TreeMap<>(durableNames).entrySet()) {
      crashInode(e.getKey(), e.getValue(), policy, seen);
    }
    for (List<DirOp> ops : pendingDirOps.values()) {
      for (DirOp op : ops) {
        if (op instanceof Link l) {
          crashInode(l.name(), l.inode(), policy, seen);
        }
      }
    }
    for (Map.Entry<Path, List<DirOp>> e : new TreeMap<>(pendingDirOps).entrySet()) {
      List<DirOp> ops = e.getValue();
      int kept = policy.keptDirectoryOps(e.getKey(), ops.size());
      for (int i = 0; i < kept; i++) {
        applyDirOp(durableNames, ops.get(i));
      }
    }
    pendingDirOps.clear();
    // a directory whose name never became durable is gone, with everything below it
    directories.removeIf(d -> !reachable(d));
    durableNames.keySet().removeIf(p -> !directories.contains(p.getParent()));
    names.clear();
    names.putAll(durableNames);
    powerCut = false;
    mutationsBeforePowerCut = Long.MAX_VALUE;
  }

  /** A deep copy of the disk's volatile and durable state (open channels are not copied). */
  public synchronized SimulatedDisk copy() {
    SimulatedDisk c = new SimulatedDisk();
    IdentityHashMap<Inode, Inode> copies = new IdentityHashMap<>();
    names.forEach((p, i) -> c.names.put(p, copies.computeIfAbsent(i, Inode::copy)));
    durableNames.forEach((p, i) -> c.durableNames.put(p, copies.computeIfAbsent(i, Inode::copy)));
    pendingDirOps.forEach((d, ops) -> {
      List<DirOp> copied = new ArrayList<>();
      for (DirOp op : ops) {
        copied.add(op instanceof Link l ? new Link(l.name(), copies.computeIfAbsent(l.inode(), Inode::copy)) : op);
      }
      c.pendingDirOps.put(d, copied);
    });
    c.directories.addAll(directories);
    c.durableDirectories.addAll(durableDirectories);
    return c;
  }

  /** Flips bits of one byte in both the cached and the durable copy, like media corruption. */
  public synchronized void corrupt(Path file, long offset, int xorMask) throws IOException {
    Inode inode = names.get(file.toAbsolutePath().normalize());
    if (inode == null) {
      throw new NoSuchFileException(file.toString());
    }
    if (offset < inode.size) {
      inode.data[(int) offset] ^= (byte) xorMask;
    }
    if (offset < inode.durableSize) {
      inode.durable[(int) offset] ^= (byte) xorMask;
    }
  }

  /** A copy of the last unforced write to {@code file}, or null if its last pending op is no write. */
  public synchronized byte[] lastPendingWrite(Path file) throws IOException {
    Inode inode = names.get(file.toAbsolutePath().normalize());
    if (inode == null) {
      throw new NoSuchFileException(file.toString());
    }
    return !inode.pending.isEmpty() && inode.pending.get(inode.pending.size() - 1) instanceof Write w
        ? w.bytes().clone() : null;
  }

  /** Current (cached) size of {@code file}. */
  /** The size of {@code file}, or {@code absent} if no file has that name (e.g. it is a directory). */
  public synchronized long size(Path file, long absent) {
    Inode inode = names.get(file.toAbsolutePath().normalize());
    return inode == null ? absent : inode.size;
  }

  public synchronized long size(Path file) throws IOException {
    Inode inode = names.get(file.toAbsolutePath().normalize());
    if (inode == null) {
      throw new NoSuchFileException(file.toString());
    }
    return inode.size;
  }

  // ---- channel operations, called by SimulatedChannel under this monitor ----

  synchronized int read(Inode inode, ByteBuffer dst, long position) throws IOException {
    checkPower();
    if (position >= inode.size) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), inode.size - position);
    dst.put(inode.data, (int) position, n);
    return n;
  }

  synchronized int write(Inode inode, ByteBuffer src, long position) throws IOException {
    checkPower();
    mutate();
    byte[] bytes = new byte[src.remaining()];
    src.get(bytes);
    applyWrite(inode, bytes, position);
    inode.pending.add(new Write(position, bytes));
    bytesWritten += bytes.length;
    return bytes.length;
  }

  synchronized void truncate(Inode inode, long size) throws IOException {
    checkPower();
    if (size < inode.size) {
      mutate();
      inode.size = (int) size;
      inode.pending.add(new Truncate(size));
    }
  }

  synchronized long size(Inode inode) throws IOException {
    checkPower();
    return inode.size;
  }

  synchronized void force(Inode inode) throws IOException {
    checkPower();
    mutate();
    for (Op op : inode.pending) {
      applyDurable(inode, op, Integer.MAX_VALUE);
    }
    inode.pending.clear();
    forces++;
  }

  synchronized void closed(SimulatedChannel channel) {
    openChannels.remove(channel);
  }

  // ---- internals ----

  private void crashInode(Path name, Inode inode, CrashPolicy policy, IdentityHashMap<Inode, Boolean> seen) {
    if (seen.put(inode, Boolean.TRUE) != null) {
      return;
    }
    List<Op> ops = inode.pending;
    int kept = ops.isEmpty() ? 0 : policy.keptOps(name, ops.size());
    for (int i = 0; i < kept; i++) {
      applyDurable(inode, ops.get(i), Integer.MAX_VALUE);
    }
    if (kept < ops.size() && ops.get(kept) instanceof Write w) {
      applyDurable(inode, w, policy.tornBytes(name, w.bytes().length));
    }
    ops.clear();
    inode.data = Arrays.copyOf(inode.durable, Math.max(inode.durableSize, 16));
    inode.size = inode.durableSize;
  }

  private static void applyDurable(Inode inode, Op op, int bytesMax) {
    if (op instanceof Write w) {
      int n = Math.min(bytesMax, w.bytes().length);
      if (n == 0) {
        return;
      }
      int end = (int) w.position() + n;
      if (end > inode.durable.length) {
        inode.durable = Arrays.copyOf(inode.durable, Math.max(end, inode.durable.length * 2));
      }
      if (w.position() > inode.durableSize) {
        Arrays.fill(inode.durable, inode.durableSize, (int) w.position(), (byte) 0);
      }
      System.arraycopy(w.bytes(), 0, inode.durable, (int) w.position(), n);
      inode.durableSize = Math.max(inode.durableSize, end);
    } else if (op instanceof Truncate t) {
      inode.durableSize = (int) Math.min(inode.durableSize, t.size());
    }
  }

  private static void applyWrite(Inode inode, byte[] bytes, long position) {
    int n = bytes.length;
    int end = (int) position + n;
    if (end > inode.data.length) {
      inode.data = Arrays.copyOf(inode.data, Math.max(end, inode.data.length * 2));
    }
    if (position > inode.size) {
      Arrays.fill(inode.data, inode.size, (int) position, (byte) 0);
    }
    System.arraycopy(bytes, 0, inode.data, (int) position, n);
    inode.size = Math.max(inode.size, end);
  }

  private static void applyDirOp(Map<Path, Inode> namespace, DirOp op) {
    if (op instanceof Link l) {
      namespace.put(l.name(), l.inode());
    } else if (op instanceof Unlink u) {
      namespace.remove(u.name());
    } else if (op instanceof Rename r) {
      Inode inode = namespace.remove(r.source());
      if (inode != null) {
        namespace.put(r.target(), inode);
      }
    }
  }

  private boolean reachable(Path directory) {
    for (Path p = directory; p != null; p = p.getParent()) {
      if (!durableDirectories.contains(p)) {
        return false;
      }
    }
    return true;
  }

  private List<DirOp> dirOps(Path directory) {
    return pendingDirOps.computeIfAbsent(directory, d -> new ArrayList<>());
  }

  private void requireDirectory(Path directory) throws IOException {
    if (!directories.contains(directory)) {
      throw new NoSuchFileException(String.valueOf(directory));
    }
  }

  private void checkPower() throws IOException {
    if (powerCut) {
      throw new IOException("reason=simulated-power-cut");
    }
  }

  private void mutate() throws IOException {
    if (mutationsBeforePowerCut <= 0) {
      powerCut = true;
      throw new IOException("reason=simulated-power-cut");
    }
    mutationsBeforePowerCut--;
  }
}
