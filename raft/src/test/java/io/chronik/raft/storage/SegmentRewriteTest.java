package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rewriting a closed segment's payloads in place (what Kafka key compaction needs from the Raft log):
 * indexes, terms and keys stay, the new payloads are served at once and after a reopen, the active
 * segment is refused, and a power cut at every step of a rewrite leaves the old or the new segment whole.
 */
class SegmentRewriteTest {
  static final LogConfig CONFIG = new LogConfig(4096, 128, 512, true);
  static final int ENTRIES = 120;

  @TempDir
  Path tmp;

  static String payload(long index) {
    return "old-" + index + "-" + "z".repeat((int) (60 + index % 50));
  }

  /** Even entries shrink to "new-<index>"; odd ones stay. */
  static byte[] shrinkEven(long index, long key, int kind, byte[] payload) {
    return index % 2 == 0 ? ("new-" + index).getBytes(StandardCharsets.UTF_8) : null;
  }

  static String text(LogEntry e) {
    return new String(e.payload(), StandardCharsets.UTF_8);
  }

  static void fill(SegmentedLog log) throws IOException {
    for (int i = 1; i <= ENTRIES; i++) {
      log.append(i, 1 + i / 50, 1000L + i, i % 3, ByteBuffer.wrap(payload(i).getBytes(StandardCharsets.UTF_8)));
    }
    log.sync();
  }

  static void assertRewritten(SegmentedLog log, SegmentedLog.SegmentSpan span, String context) throws IOException {
    assertRewritten(log, span, context, 1);
  }

  static void assertRewritten(SegmentedLog log, SegmentedLog.SegmentSpan span, String context, long from)
      throws IOException {
    for (LogEntry e : log.read(from, ENTRIES + 1, Long.MAX_VALUE)) {
      boolean inside = e.index() >= span.baseIndex() && e.index() <= span.lastIndex();
      String expected = inside && e.index() % 2 == 0 ? "new-" + e.index() : payload(e.index());
      assertThat(text(e)).as(context + " index=" + e.index()).isEqualTo(expected);
      assertThat(e.term()).as(context).isEqualTo(1 + e.index() / 50);
      assertThat(e.key()).as(context).isEqualTo(1000L + e.index());
      assertThat(e.kind()).as(context).isEqualTo((int) (e.index() % 3));
    }
  }

  @Test
  void rewrittenClosedSegmentServesNewPayloadsAtTheSameIndexesAndSurvivesReopenOnRealFiles() throws IOException {
    Path dir = tmp.resolve("g");
    SegmentedLog.SegmentSpan second;
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, CONFIG, 0, false)) {
      fill(log);
      second = log.segmentSpans().get(1);
      long before = second.bytes();
      FileChannel replaced = SegmentRewrite.rewrite(log, second.baseIndex(), SegmentRewriteTest::shrinkEven);
      assertThat(replaced).isNotNull();
      assertThat(replaced.isOpen()).as("old channel stays open for readers holding its regions").isTrue();
      replaced.close();
      assertThat(log.segmentSpans().get(1).bytes()).isLessThan(before);
      assertRewritten(log, second, "live");
      long middle = (second.baseIndex() + second.lastIndex()) / 2;
      assertThat(log.floorIndexForKey(1000L + middle)).isEqualTo(middle);
      LogSlice slice = log.slice(second.baseIndex(), Long.MAX_VALUE);
      assertThat(slice.lastIndex()).isEqualTo(second.lastIndex());
      assertThat(SegmentRewrite.rewrite(log, second.baseIndex(), (i, k, kind, p) -> null)).as("nothing changed").isNull();
      log.append(ENTRIES + 1, 5, 5000, 0, ByteBuffer.wrap("tail".getBytes(StandardCharsets.UTF_8)));
      log.sync();
    }
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, CONFIG, ENTRIES + 1, false)) {
      assertThat(log.recoveryReport().droppedAnything()).isFalse();
      assertThat(log.lastIndex()).isEqualTo(ENTRIES + 1);
      assertRewritten(log, second, "reopened");
    }
  }

  @Test
  void activeSegmentIsNeverRewritten() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), tmp.resolve("g"), CONFIG, 0, false)) {
      fill(log);
      List<SegmentedLog.SegmentSpan> spans = log.segmentSpans();
      long activeBase = spans.get(spans.size() - 1).baseIndex();
      assertThatThrownBy(() -> SegmentRewrite.rewrite(log, activeBase, SegmentRewriteTest::shrinkEven))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=not-a-closed-durable-segment");
    }
  }

  @Test
  void aCopyPreparedOnAnotherThreadIsDroppedWhenItsSegmentWasDeletedMeanwhileAndSwappedInOtherwise()
      throws Exception {
    Path dir = tmp.resolve("g");
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, CONFIG, 0, false)) {
      fill(log);
      SegmentedLog.SegmentSpan first = log.segmentSpans().get(0);
      SegmentedLog.SegmentSpan second = log.segmentSpans().get(1);
      java.util.concurrent.ExecutorService cleaner = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        SegmentRewrite.Source firstSource = log.segmentSource(first.baseIndex());
        SegmentRewrite.Source secondSource = log.segmentSource(second.baseIndex());
        SegmentRewrite.Prepared stale = cleaner.submit(() -> SegmentRewrite.prepare(firstSource,
            SegmentRewriteTest::shrinkEven)).get();
        SegmentRewrite.Prepared fresh = cleaner.submit(() -> SegmentRewrite.prepare(secondSource,
            SegmentRewriteTest::shrinkEven)).get();
        Path staleTemp = SegmentRewrite.tempPath(dir.resolve(Segment.fileName(first.baseIndex())));
        assertThat(Files.exists(staleTemp)).as("the copy is forced to its temp file").isTrue();
        log.truncatePrefix(second.baseIndex()); // retention deleted the first segment meanwhile
        assertThat(log.swapRewritten(stale)).isNull();
        assertThat(Files.exists(staleTemp)).as("a dropped copy leaves nothing behind").isFalse();
        FileChannel replaced = log.swapRewritten(fresh);
        assertThat(replaced).isNotNull();
        replaced.close();
        assertRewritten(log, second, "swapped", second.baseIndex());
      } finally {
        cleaner.shutdown();
      }
    }
  }

  @Test
  void leftoverTempFileFromACrashBeforeTheRenameIsDeletedOnOpenAndTheOldSegmentServed() throws IOException {
    Path dir = tmp.resolve("g");
    SegmentedLog.SegmentSpan first;
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, CONFIG, 0, false)) {
      fill(log);
      first = log.segmentSpans().get(0);
    }
    Path segment = dir.resolve(Segment.fileName(first.baseIndex()));
    Path temp = SegmentRewrite.tempPath(segment);
    byte[] whole = Files.readAllBytes(segment);
    Files.write(temp, java.util.Arrays.copyOf(whole, whole.length / 2)); // a torn copy
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, CONFIG, ENTRIES, false)) {
      assertThat(Files.exists(temp)).isFalse();
      assertThat(log.lastIndex()).isEqualTo(ENTRIES);
      for (LogEntry e : log.read(1, ENTRIES + 1, Long.MAX_VALUE)) {
        assertThat(text(e)).isEqualTo(payload(e.index()));
      }
    }
  }

  @Test
  void powerCutAtEveryStepOfARewriteLeavesTheOldOrTheNewSegmentWhole() throws IOException {
    SimulatedDisk original = new SimulatedDisk();
    Path dir = Path.of("/g");
    SegmentedLog.SegmentSpan target;
    try (SegmentedLog log = SegmentedLog.open(original, dir, CONFIG, 0, false)) {
      fill(log);
      target = log.segmentSpans().get(1);
    }
    boolean completed = false;
    int newSeen = 0;
    for (int step = 0; !completed; step++) {
      SimulatedDisk disk = original.copy();
      try (SegmentedLog log = SegmentedLog.open(disk, dir, CONFIG, ENTRIES, false)) {
        disk.cutPowerAfter(step);
        FileChannel replaced = SegmentRewrite.rewrite(log, target.baseIndex(), SegmentRewriteTest::shrinkEven);
        replaced.close();
        completed = true;
      } catch (IOException powerCut) {
        assertThat(disk.powerCut()).as("step=%d %s", step, powerCut).isTrue();
      }
      disk.crash(CrashPolicy.random(new Random(step * 17L + 3)));
      String context = "step=" + step + " completed=" + completed;
      try (SegmentedLog log = SegmentedLog.open(disk, dir, CONFIG, ENTRIES, false)) {
        assertThat(log.lastIndex()).as(context).isEqualTo(ENTRIES);
        assertThat(disk.list(dir)).as(context).noneMatch(n -> n.endsWith(".tmp"));
        boolean rewritten = text(log.read(target.baseIndex() + 1, target.baseIndex() + 2, Long.MAX_VALUE).get(0))
            .startsWith("new");
        if (completed) {
          assertThat(rewritten).as(context + " a completed rewrite is durable").isTrue();
        }
        if (rewritten) {
          newSeen++;
          assertRewritten(log, target, context);
        } else {
          for (LogEntry e : log.read(1, ENTRIES + 1, Long.MAX_VALUE)) {
            assertThat(text(e)).as(context).isEqualTo(payload(e.index()));
          }
        }
      }
    }
    assertThat(newSeen).isPositive();
  }
}
