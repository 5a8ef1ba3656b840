package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A companion file beside a log: read back as written after the log's clean close, a damaged one fails loudly,
 * its deletion marks the directory for the log's next sync, a segment's channel is found by its base index, and
 * the log's own files cannot be named.
 */
class CompanionFileTest {
  private static final int MAGIC = 0x54455354;

  @TempDir
  Path dir;

  private static ByteBuffer payload(int n) {
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putInt(n).putInt(n + 1).putLong(n * 7L);
    return b.flip();
  }

  @Test
  void writtenAfterACleanCloseReadsBackAndDeletionWaitsForTheNextSync() throws IOException {
    Disk disk = new NioDisk();
    LogConfig config = new LogConfig(4096, 256, 4096, false);
    try (SegmentedLog log = SegmentedLog.open(disk, dir, config, 0, false)) {
      for (long i = 1; i <= 100; i++) {
        log.append(i, 1, RecordFrame.NO_KEY, 0, payload((int) i));
      }
      assertThat(log.segmentSpans()).hasSizeGreaterThan(1);
      for (SegmentedLog.SegmentSpan span : log.segmentSpans()) {
        assertThat(CompanionFile.segmentChannel(log, span.baseIndex()))
            .isSameAs(log.slice(span.baseIndex(), 1).channel());
      }
      assertThat(CompanionFile.segmentChannel(log, 999)).isNull();
      log.closeClean();
      CompanionFile.writeUnforced(log, "side", MAGIC, payload(5));
    }
    try (SegmentedLog log = SegmentedLog.open(disk, dir, config.withCleanShutdown(true), 0, false)) {
      assertThat(log.recoveryReport().fromSummary()).isTrue();
      assertThat(CompanionFile.read(log, "side", MAGIC)).isEqualTo(payload(5));
      log.sync();
      assertThat(log.directoryUnsynced()).isFalse();
      CompanionFile.delete(log, "side");
      assertThat(log.directoryUnsynced()).as("the next sync makes the deletion durable").isTrue();
      assertThat(CompanionFile.read(log, "side", MAGIC)).isNull();
      log.sync();
      assertThat(log.directoryUnsynced()).isFalse();
      CompanionFile.delete(log, "side");
      assertThat(log.directoryUnsynced()).as("nothing deleted, nothing to sync").isFalse();

      CompanionFile.writeUnforced(log, "side", MAGIC, payload(6));
      byte[] raw = Files.readAllBytes(dir.resolve("side"));
      raw[10] ^= 1;
      Files.write(dir.resolve("side"), raw);
      assertThatThrownBy(() -> CompanionFile.read(log, "side", MAGIC)).isInstanceOf(CorruptLogException.class);
      assertThatThrownBy(() -> CompanionFile.read(log, LogSummary.FILE, MAGIC))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
