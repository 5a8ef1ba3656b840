package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What {@link LogSummaryTest} and {@link LogSummaryCrashTest} share: a seeded random life of one log, the
 * comparison of two logs in every observable, and small file operations.
 */
final class LogSummaryWorkload {
  private LogSummaryWorkload() {}

  /** A log of {@code entries} keyed entries over several small segments, closed cleanly. */
  static void writeClosedCleanly(Disk disk, Path dir, LogConfig config, int entries) throws IOException {
    try (SegmentedLog log = SegmentedLog.open(disk, dir, config, 0, false)) {
      for (int i = 1; i <= entries; i++) {
        log.append(i, 1 + i / 50, i * 10L, 0, payload(i));
      }
      log.closeClean();
    }
  }

  /** The payload {@link #writeClosedCleanly} gives entry {@code index}. */
  static ByteBuffer payload(long index) {
    return SegmentedLogTest.bytes("entry-" + index + "-".repeat((int) (index % 60)));
  }

  /** Every observable of the two logs agrees, and both serve exactly {@code model}'s entries. */
  static void assertSameLog(SegmentedLog a, SegmentedLog b, Map<Long, LogEntry> model) throws IOException {
    assertThat(a.firstIndex()).isEqualTo(b.firstIndex());
    assertThat(a.prevTerm).isEqualTo(b.prevTerm);
    assertThat(a.lastIndex()).isEqualTo(b.lastIndex());
    assertThat(a.lastTerm()).isEqualTo(b.lastTerm());
    assertThat(a.lastKey).as("lastKey").isEqualTo(b.lastKey);
    assertThat(a.durableIndex()).isEqualTo(b.durableIndex());
    assertThat(a.segmentSpans()).isEqualTo(b.segmentSpans());
    for (int slot = 0; slot < a.segments.size(); slot++) {
      Segment sa = a.segments.get(slot);
      Segment sb = b.segments.get(slot);
      assertThat(sa.name()).isEqualTo(sb.name());
      assertThat(sa.end).isEqualTo(sb.end);
      assertThat(samples(sa)).as("samples of %s", sa.name()).isEqualTo(samples(sb));
      for (long i = sa.baseIndex; i <= sa.lastIndex; i++) {
        assertThat(a.terms.termAt(i)).as("term at %d", i).isEqualTo(b.terms.termAt(i));
      }
    }
    for (long i = a.firstIndex() - 1; i <= a.lastIndex(); i++) {
      assertThat(a.term(i)).isEqualTo(b.term(i));
    }
    if (a.lastIndex() >= a.firstIndex()) {
      List<LogEntry> readA = a.read(a.firstIndex(), a.lastIndex() + 1, Long.MAX_VALUE);
      List<LogEntry> readB = b.read(b.firstIndex(), b.lastIndex() + 1, Long.MAX_VALUE);
      assertThat(readA).hasSize((int) (a.lastIndex() - a.firstIndex() + 1)).hasSameSizeAs(readB);
      for (int i = 0; i < readA.size(); i++) {
        assertSameEntry(readA.get(i), readB.get(i));
        assertSameEntry(readA.get(i), model.get(readA.get(i).index()));
        LogSlice sliceA = a.slice(readA.get(i).index(), 1 << 20);
        LogSlice sliceB = b.slice(readA.get(i).index(), 1 << 20);
        assertThat(sliceA.lastIndex()).isEqualTo(sliceB.lastIndex());
        assertThat(sliceA.position(0)).isEqualTo(sliceB.position(0));
      }
    }
    long lowKey = -3;
    long highKey = a.lastKey == RecordFrame.NO_KEY ? 10 : a.lastKey + 3;
    for (long key = lowKey; key <= highKey; key += 1 + (highKey - lowKey) / 400) {
      assertThat(a.floorIndexForKey(key)).as("floor of key %d", key).isEqualTo(b.floorIndexForKey(key));
    }
  }

  static byte[] samples(Segment s) {
    ByteBuffer out = ByteBuffer.allocate(s.sampleBytes());
    s.writeSamples(out);
    return out.array();
  }

  static void assertSameEntry(LogEntry actual, LogEntry expected) {
    assertThat(expected).as("index %d", actual.index()).isNotNull();
    assertThat(actual.index()).isEqualTo(expected.index());
    assertThat(actual.term()).isEqualTo(expected.term());
    assertThat(actual.key()).isEqualTo(expected.key());
    assertThat(actual.kind()).isEqualTo(expected.kind());
    assertThat(Arrays.equals(actual.payload(), expected.payload())).as("payload at %d", actual.index()).isTrue();
  }

  static void copyDirectory(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }

  /**
   * A seeded random life of one log: appends (random terms, keys and sizes), syncs, suffix and prefix
   * truncations, snapshot resets, timed rolls, segment rewrites (compaction), and restarts, clean (from the
   * summary) or not. Keys and terms only grow, as a Raft log's do across truncations.
   */
  static final class Life {
    final Random random;
    final LogConfig config;
    final Disk disk;
    final Path dir;
    final TreeMap<Long, LogEntry> model = new TreeMap<>();
    SegmentedLog log;
    private long term = 1;
    private long key;

    Life(long seed, Disk disk, Path dir) throws IOException {
      this.random = new Random(seed);
      this.config = new LogConfig(4096 + random.nextInt(4096), 64 + random.nextInt(512), 256 + random.nextInt(2048),
          random.nextBoolean());
      this.disk = disk;
      this.dir = dir;
      this.log = SegmentedLog.open(disk, dir, config, 0, false);
    }

    LogEntry nextEntry(long index) {
      if (random.nextInt(12) == 0) {
        term += 1 + random.nextInt(2);
      }
      long entryKey = LogEntry.NO_KEY;
      if (random.nextInt(4) != 0) {
        key += random.nextInt(6); // equal keys are allowed
        entryKey = key;
      }
      byte[] payload = new byte[random.nextInt(random.nextInt(10) == 0 ? 1500 : 200)];
      random.nextBytes(payload);
      return new LogEntry(index, term, entryKey, random.nextInt(3), payload);
    }

    void step() throws IOException {
      int op = random.nextInt(100);
      long retained = log.lastIndex() - log.firstIndex() + 1;
      if (op < 58) {
        for (int n = 1 + random.nextInt(8); n > 0; n--) {
          LogEntry e = nextEntry(log.lastIndex() + 1);
          log.append(e.index(), e.term(), e.key(), e.kind(), ByteBuffer.wrap(e.payload()));
          model.put(e.index(), e);
        }
      } else if (op < 64) {
        log.sync();
      } else if (op < 71 && retained > 0) {
        long from = log.lastIndex() - random.nextInt((int) Math.min(retained, 40)); // a conflicting tail
        log.truncateSuffix(from);
        model.tailMap(from).clear();
      } else if (op < 75 && retained > 0) {
        long to = log.firstIndex() + 1 + random.nextInt((int) (retained / 2 + 1)); // up to the end at times
        log.truncatePrefix(to);
        model.headMap(to).clear();
      } else if (op < 76) {
        log.reset(log.lastIndex() + 1 + random.nextInt(5), term);
        model.clear();
      } else if (op < 80) {
        log.rollBeforeNextAppend();
      } else if (op < 85) {
        rewriteASegment();
      } else if (op < 91) {
        log.closeClean();
        log = SegmentedLog.open(disk, dir, config.withCleanShutdown(true), 0, false);
        assertThat(log.recoveryReport().scanned()).as("a clean restart's open").isEmpty();
      } else if (op < 94) {
        log.close();
        log = SegmentedLog.open(disk, dir, config, 0, false);
      }
    }

    /** Compaction of a closed segment: some payloads replaced (shorter or longer), indexes, terms and keys kept. */
    private void rewriteASegment() throws IOException {
      log.sync();
      List<Segment> closed = new ArrayList<>();
      for (Segment s : log.segments) {
        if (s != log.active() && s.baseIndex >= log.firstIndex) {
          closed.add(s);
        }
      }
      if (closed.isEmpty()) {
        return;
      }
      Segment chosen = closed.get(random.nextInt(closed.size()));
      FileChannel replaced = SegmentRewrite.rewrite(log, chosen.baseIndex, (index, entryKey, kind, payload) -> {
        if (random.nextInt(3) != 0) {
          return null;
        }
        byte[] shorter = new byte[random.nextInt(payload.length + 20)];
        random.nextBytes(shorter);
        LogEntry before = model.get(index);
        model.put(index, new LogEntry(index, before.term(), before.key(), before.kind(), shorter));
        return shorter;
      });
      if (replaced != null) {
        replaced.close();
      }
    }
  }

}
