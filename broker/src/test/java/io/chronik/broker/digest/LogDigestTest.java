package io.chronik.broker.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.raft.storage.HardStateFile;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.NioDisk;
import io.chronik.raft.storage.SegmentedLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogDigestTest {
  @TempDir Path tmp;

  private static final LogConfig SMALL_SEGMENTS = new LogConfig(16 * 1024, 4096, 4096, true);

  /** Writes entries 1..count of one group on real files, payload of entry i from {@code payload}, synced. */
  private static void write(Path raftDir, String group, int count, LongFunction<String> payload, long commit)
      throws IOException {
    Path dir = raftDir.resolve(group);
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, SMALL_SEGMENTS, 0, false)) {
      for (long i = 1; i <= count; i++) {
        log.append(i, 1 + i / 500, i, 0, ByteBuffer.wrap(payload.apply(i).getBytes(StandardCharsets.UTF_8)));
      }
      log.sync();
    }
    new HardStateFile(new NioDisk(), dir).store(new HardStateFile.Stored(3, 1, commit));
  }

  private static String digest(Path raftDir, int block, List<LogDigest.EntryRange> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new LogDigest(block).print(raftDir, entries, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static List<String> lines(String text, String kind) {
    return text.lines().filter(l -> l.startsWith(kind + " ")).toList();
  }

  @Test
  void replicasWithTheSameEntriesHaveTheSameDigestAndOneDifferentPayloadChangesOnlyItsBlock() throws IOException {
    Path a = tmp.resolve("a/raft");
    Path b = tmp.resolve("b/raft");
    write(a, "p1-q-0", 2500, i -> "value-" + i, 2400);
    write(b, "p1-q-0", 2500, i -> i == 1500 ? "planted" : "value-" + i, 2400);

    String da = digest(a, 1024, List.of());
    String db = digest(b, 1024, List.of());
    assertEquals(List.of("group dir=p1-q-0 first=1 last=2500 commit=2400 end=end segments="
        + segmentCount(a.resolve("p1-q-0"))), lines(da, "group"));
    assertTrue(segmentCount(a.resolve("p1-q-0")) > 1, "the log spans segments: " + segmentCount(a.resolve("p1-q-0")));
    List<String> blocksA = lines(da, "block");
    List<String> blocksB = lines(db, "block");
    assertEquals(3, blocksA.size(), da);
    assertTrue(blocksA.get(0).startsWith("block dir=p1-q-0 from=1 to=1024 lastTerm=3 "), blocksA.get(0));
    assertTrue(blocksA.get(2).startsWith("block dir=p1-q-0 from=2049 to=2500 "), blocksA.get(2));
    assertEquals(blocksA.get(0), blocksB.get(0));
    assertNotEquals(blocksA.get(1), blocksB.get(1), "index 1500 differs");
    assertEquals(blocksA.get(2), blocksB.get(2));

    List<LogDigest.EntryRange> range = List.of(LogDigest.EntryRange.parse("p1-q-0:1499-1501"));
    List<String> entriesA = lines(digest(a, 1024, range), "entry");
    List<String> entriesB = lines(digest(b, 1024, range), "entry");
    assertEquals(3, entriesA.size());
    assertEquals(entriesA.get(0), entriesB.get(0));
    assertNotEquals(entriesA.get(1), entriesB.get(1));
    assertTrue(entriesA.get(1).startsWith("entry dir=p1-q-0 index=1500 term=4 key=1500 kind=0 crc="), entriesA.get(1));
    assertEquals(entriesA.get(2), entriesB.get(2));
  }

  @Test
  void aDamagedFrameEndsTheWalkThereAndChangesNoFile() throws IOException {
    Path raft = tmp.resolve("c/raft");
    write(raft, "p2-q-1", 300, i -> "value-" + i, 300);
    Path segment = firstSegment(raft.resolve("p2-q-1"));
    byte[] bytes = Files.readAllBytes(segment);
    int frame100 = 9 * (36 + "value-N".length()) + 90 * (36 + "value-NN".length()); // after entries 1..99
    bytes[frame100 + 40] ^= 0x01;
    Files.write(segment, bytes);
    long size = Files.size(segment);
    long modified = Files.getLastModifiedTime(segment).toMillis();

    String text = digest(raft, 64, List.of());

    assertTrue(lines(text, "group").get(0).startsWith("group dir=p2-q-1 first=1 last=99 commit=300 end=bad-frame segment="
        + segment.getFileName() + " offset=" + frame100), text);
    assertEquals(size, Files.size(segment));
    assertEquals(modified, Files.getLastModifiedTime(segment).toMillis());
    assertEquals(List.of(segment.getFileName().toString(), "hardstate"),
        listNames(raft.resolve("p2-q-1")), "no file created or deleted");
  }

  @Test
  void aMalformedRangeIsRefusedWithTheExpectedForm() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> LogDigest.EntryRange.parse("p1-q-0:12"));
    assertEquals("entries=p1-q-0:12 reason=expected DIR:FROM-TO", e.getMessage());
  }

  private static long segmentCount(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".log")).count();
    }
  }

  private static Path firstSegment(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
    }
  }

  private static List<String> listNames(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
