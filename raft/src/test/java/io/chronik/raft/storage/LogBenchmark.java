package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Appends with an fsync per batch on a real disk: {@link SegmentedLog} against a raw
 * {@code FileChannel.write + force} loop in the same run, then 16 groups with a sync per group
 * against one shared {@link GroupCommit} pass. Run (see docs/STORAGE.md):
 *
 * <pre>mvn -q -B -pl raft test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.chronik.raft.storage.LogBenchmark [-Dbench.seconds=3 -Dbench.dir=raft/target/bench]</pre>
 */
public final class LogBenchmark {
  private static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "3"));
  private static final int GROUPS = Integer.getInteger("bench.groups", 16);

  private LogBenchmark() {}

  record Result(long appends, long bytes, double seconds) {
    double perSecond() {
      return appends / seconds;
    }

    double mibPerSecond() {
      return bytes / seconds / (1 << 20);
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("bench.dir", "raft/target/bench")).toAbsolutePath();
    System.out.printf(Locale.ROOT, "dir=%s seconds-per-run=%.1f (fsync per batch; 2 alternating rounds)%n",
        root, SECONDS);
    System.out.printf(Locale.ROOT, "%-9s %14s %10s %14s %10s %7s %18s %9s%n",
        "batch", "raw appends/s", "raw MB/s", "log appends/s", "log MB/s", "ratio",
        "raw-prealloc app/s", "ratio-pre");
    for (int size : new int[] {100, 1024, 64 << 10}) {
      Result raw = new Result(0, 0, 0);
      Result log = new Result(0, 0, 0);
      Result rawPre = new Result(0, 0, 0);
      for (int round = 0; round < 2; round++) {
        raw = add(raw, raw(clean(root.resolve("raw")), size, 0));
        log = add(log, log(clean(root.resolve("log")), size));
        rawPre = add(rawPre, raw(clean(root.resolve("raw")), size, LogConfig.defaults().segmentBytes()));
      }
      System.out.printf(Locale.ROOT, "%-9s %14.0f %10.2f %14.0f %10.2f %7.2f %18.0f %9.2f%n", size + " B",
          raw.perSecond(), raw.mibPerSecond(), log.perSecond(), log.mibPerSecond(),
          log.perSecond() / raw.perSecond(), rawPre.perSecond(), log.perSecond() / rawPre.perSecond());
    }
    System.out.printf(Locale.ROOT, "%n%d groups, 1 KiB batch per group per round:%n", GROUPS);
    Result perGroup = new Result(0, 0, 0);
    Result sharedSequential = new Result(0, 0, 0);
    Result sharedParallel = new Result(0, 0, 0);
    for (int round = 0; round < 2; round++) {
      perGroup = add(perGroup, groups(clean(root.resolve("groups")), 0));
      sharedSequential = add(sharedSequential, groups(clean(root.resolve("groups")), 1));
      sharedParallel = add(sharedParallel, groups(clean(root.resolve("groups")), GROUPS));
    }
    System.out.printf(Locale.ROOT, "  per-group sync (one fsync per group per batch): %8.0f appends/s%n",
        perGroup.perSecond());
    System.out.printf(Locale.ROOT, "  shared pass, forces sequential:               %8.0f appends/s (x%.2f)%n",
        sharedSequential.perSecond(), sharedSequential.perSecond() / perGroup.perSecond());
    System.out.printf(Locale.ROOT, "  shared pass, %2d concurrent forces:            %8.0f appends/s (x%.2f)%n",
        GROUPS, sharedParallel.perSecond(), sharedParallel.perSecond() / perGroup.perSecond());
  }

  private static Result add(Result a, Result b) {
    return new Result(a.appends + b.appends, a.bytes + b.bytes, a.seconds + b.seconds);
  }

  /** The baseline loop; {@code preallocateBytes > 0} zero-fills the file first (untimed). */
  private static Result raw(Path dir, int size, int preallocateBytes) throws IOException {
    ByteBuffer batch = payload(size);
    try (FileChannel channel = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
      for (long p = 0; p < preallocateBytes; ) {
        p += channel.write(zeros.clear(), p);
      }
      channel.force(true);
      long position = 0;
      long appends = 0;
      long start = System.nanoTime();
      long deadline = start + (long) (SECONDS * 1e9);
      while (System.nanoTime() < deadline) {
        ByteBuffer b = batch.duplicate();
        while (b.hasRemaining()) {
          position += channel.write(b, position);
        }
        channel.force(false);
        appends++;
      }
      return new Result(appends, appends * size, (System.nanoTime() - start) / 1e9);
    }
  }

  private static Result log(Path dir, int size) throws IOException {
    ByteBuffer batch = payload(size);
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, LogConfig.defaults(), 0, false)) {
      // The first append creates (zero-fills) the first segment: setup, not steady state. Later
      // segment rolls inside the timed loop are counted.
      log.append(1, 1, 0, 0, batch.duplicate());
      log.sync();
      long appends = 0;
      long start = System.nanoTime();
      long deadline = start + (long) (SECONDS * 1e9);
      while (System.nanoTime() < deadline) {
        log.append(log.lastIndex() + 1, 1, appends + 1, 0, batch.duplicate());
        log.sync();
        appends++;
      }
      return new Result(appends, appends * size, (System.nanoTime() - start) / 1e9);
    }
  }

  /** forceThreads 0: each group syncs itself; otherwise one GroupCommit pass per round. */
  private static Result groups(Path dir, int forceThreads) throws IOException {
    ByteBuffer batch = payload(1024);
    List<SegmentedLog> logs = new ArrayList<>();
    try (GroupCommit commit = new GroupCommit(Math.max(1, forceThreads))) {
      for (int g = 0; g < GROUPS; g++) {
        SegmentedLog log = SegmentedLog.open(new NioDisk(), dir.resolve("g" + g), LogConfig.defaults(), 0, false);
        log.append(1, 1, LogEntry.NO_KEY, 0, batch.duplicate()); // creates the first segment
        log.sync();
        logs.add(log);
      }
      long appends = 0;
      long start = System.nanoTime();
      long deadline = start + (long) (SECONDS * 1e9);
      while (System.nanoTime() < deadline) {
        for (SegmentedLog log : logs) {
          log.append(log.lastIndex() + 1, 1, LogEntry.NO_KEY, 0, batch.duplicate());
          if (forceThreads == 0) {
            log.sync();
          }
          appends++;
        }
        if (forceThreads > 0) {
          commit.syncAll(logs);
        }
      }
      return new Result(appends, appends * 1024, (System.nanoTime() - start) / 1e9);
    } finally {
      for (SegmentedLog log : logs) {
        log.close();
      }
    }
  }

  private static ByteBuffer payload(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    return ByteBuffer.allocateDirect(size).put(bytes).flip();
  }

  private static Path clean(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    return dir;
  }
}
