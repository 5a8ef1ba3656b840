package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Flipping any single byte of any record is detected: the damaged record is never served. */
class BitFlipTest {
  static final Path DIR = Path.of("/g");
  static final LogConfig CONFIG = new LogConfig(4096, 128, 1024, true);
  static final int ENTRIES = 40;

  static byte[][] payloads() {
    Random random = new Random(7);
    byte[][] payloads = new byte[ENTRIES + 1][];
    for (int i = 1; i <= ENTRIES; i++) {
      payloads[i] = new byte[random.nextInt(150)];
      random.nextBytes(payloads[i]);
    }
    return payloads;
  }

  static SimulatedDisk writtenLog(byte[][] payloads) throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
      for (int i = 1; i <= ENTRIES; i++) {
        log.append(i, 1 + i / 10, i * 100L, 0, ByteBuffer.wrap(payloads[i]));
      }
      log.sync();
    }
    return disk;
  }

  /** (segment file, start offset, end offset, first index) of each segment's records. */
  static List<long[]> extents(SimulatedDisk disk) throws IOException {
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
      return log.segments.stream().map(s -> new long[] {s.baseIndex, s.end, s.lastIndex}).toList();
    }
  }

  @Test
  void everyFlippedByteIsRefusedOrCutNeverServed() throws IOException {
    byte[][] payloads = payloads();
    SimulatedDisk original = writtenLog(payloads);
    int refused = 0;
    int cut = 0;
    for (long[] extent : extents(original)) {
      Path segment = DIR.resolve(Segment.fileName(extent[0]));
      for (long offset = 0; offset < extent[1]; offset++) {
        for (long floor : new long[] {0, ENTRIES}) {
          SimulatedDisk disk = original.copy();
          disk.corrupt(segment, offset, 0x10);
          String context = "segment=" + segment + " offset=" + offset + " floor=" + floor;
          try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, floor, false)) {
            // Only a damaged last record with nothing committed may pass for a torn tail.
            assertThat(floor).as(context).isZero();
            assertThat(log.lastIndex()).as(context).isEqualTo(ENTRIES - 1);
            assertThat(log.recoveryReport().droppedBytes()).as(context).isPositive();
            for (LogEntry e : log.read(1, log.lastIndex() + 1, Long.MAX_VALUE)) {
              assertThat(Arrays.equals(e.payload(), payloads[(int) e.index()])).as(context).isTrue();
            }
            cut++;
          } catch (CorruptLogException e) {
            assertThat(e.getMessage()).as(context).contains("segment=", "offset=", "reason=");
            refused++;
          }
        }
      }
    }
    assertThat(refused).isPositive();
    assertThat(cut).isPositive();
  }

  @Test
  void repairCutsAtTheDamageAndReportsIt() throws IOException {
    SimulatedDisk disk = writtenLog(payloads());
    long[] first = extents(disk).get(0);
    Path segment = DIR.resolve(Segment.fileName(first[0]));
    disk.corrupt(segment, 100, 0xff);
    assertThatThrownBy(() -> SegmentedLog.open(disk, DIR, CONFIG, 0, false))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("segment=" + Segment.fileName(first[0]));
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, true)) {
      RecoveryReport report = log.recoveryReport();
      assertThat(report.repaired()).isTrue();
      assertThat(report.droppedSegments()).isPositive();
      assertThat(report.offset()).isLessThanOrEqualTo(100);
      assertThat(log.lastIndex()).isLessThan(first[2]);
    }
  }

  @Test
  void damageAfterOpenIsDetectedOnRead() throws IOException {
    byte[][] payloads = payloads();
    SimulatedDisk disk = writtenLog(payloads);
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, ENTRIES, false)) {
      long[] first = extents(disk.copy()).get(0);
      disk.corrupt(DIR.resolve(Segment.fileName(first[0])), first[1] - 3, 0x01);
      assertThatThrownBy(() -> log.read(1, log.lastIndex() + 1, Long.MAX_VALUE))
          .isInstanceOf(CorruptLogException.class)
          .hasMessageContaining("reason=crc-mismatch");
    }
  }
}
