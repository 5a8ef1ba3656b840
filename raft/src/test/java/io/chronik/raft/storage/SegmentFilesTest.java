package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFilesTest {
  @TempDir
  Path dir;

  private SegmentedLog logOf(int entries, int segmentBytes) throws Exception {
    SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, LogConfig.defaults().withSegmentBytes(segmentBytes)
        .withPreallocate(true), 0, false);
    for (int i = 1; i <= entries; i++) {
      log.append(i, 1 + i / 50, i * 10L, 0, ByteBuffer.wrap(("entry-" + i).repeat(20).getBytes()));
    }
    log.sync();
    return log;
  }

  @Test
  void theCommittedPrefixEndsAtTheLastWholeFrameAtOrBelowTheIndex() throws Exception {
    try (SegmentedLog log = logOf(100, 8 << 10)) {
      List<Path> segments = SegmentFiles.list(dir);
      assertThat(segments).hasSize(3);
      // the active segment was a spare, preallocated: its entries end before its zero-filled tail
      Path active = segments.get(2);
      long base = SegmentFiles.baseIndex(active);
      SegmentFiles.Prefix all = SegmentFiles.committedPrefix(active, Long.MAX_VALUE);
      assertThat(all.lastIndex()).isEqualTo(100);
      assertThat(all.lastTerm()).isEqualTo(log.term(100));
      assertThat(all.bytes()).isEqualTo(log.segmentSpans().get(2).bytes()).isLessThan(Files.size(active));
      SegmentFiles.Prefix cut = SegmentFiles.committedPrefix(active, base + 5);
      assertThat(cut.lastIndex()).isEqualTo(base + 5);
      assertThat(cut.bytes()).isLessThan(all.bytes());
    }
  }

  @Test
  void segmentsListOldestFirstAndEachPrefixStartsAtItsBase() throws Exception {
    try (SegmentedLog log = logOf(300, 8 << 10)) {
      List<Path> segments = SegmentFiles.list(dir);
      assertThat(segments).hasSizeGreaterThan(3);
      long expectedBase = 1;
      for (Path s : segments) {
        assertThat(SegmentFiles.baseIndex(s)).isEqualTo(expectedBase);
        assertThat(s.getFileName().toString()).isEqualTo(SegmentFiles.fileName(expectedBase));
        expectedBase = SegmentFiles.committedPrefix(s, Long.MAX_VALUE).lastIndex() + 1;
      }
      assertThat(expectedBase).isEqualTo(log.lastIndex() + 1);
    }
  }

  @Test
  void aDamagedFrameEndsThePrefixBeforeIt() throws Exception {
    Path segment;
    long frameOf50;
    try (SegmentedLog log = logOf(100, 64 << 10)) {
      segment = SegmentFiles.list(dir).get(0);
      frameOf50 = SegmentFiles.committedPrefix(segment, 49).bytes();
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x55}), frameOf50 + 40); // inside entry 50's payload
    }
    SegmentFiles.Prefix prefix = SegmentFiles.committedPrefix(segment, Long.MAX_VALUE);
    assertThat(prefix.lastIndex()).isEqualTo(49);
    assertThat(prefix.bytes()).isEqualTo(frameOf50);
  }
}
