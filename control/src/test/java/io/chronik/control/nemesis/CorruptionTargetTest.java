package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.lab.LocalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corrupt fault's target on real files laid out as a broker's data dir, listed by the same shell
 * command the fault runs on a host ({@link Corruption#LIST_GROUP_FILES}, here as a local process), and its
 * flip and truncate commands run on real files.
 */
class CorruptionTargetTest {
  private static final String P0 = "raft/p1-chronik-0/";
  /** The segments of P0 that are closed: all but the two of highest base index. */
  private static final Set<String> CLOSED_P0 = Set.of(P0 + segment(1), P0 + segment(40), P0 + segment(77));

  @TempDir Path data;

  private static String segment(long base) {
    return String.format("%020d.log", base);
  }

  @BeforeEach
  void dataDirLikeABrokers() throws IOException {
    write("raft/hardstate.journal", 4096);
    write("raft/clean-shutdown", 64);
    write("raft/metadata/" + segment(1), 9000); // the metadata group's only (active) segment
    write("raft/metadata/log.meta", 24);
    write("raft/metadata/snapshot", 700);
    long mtime = 2_000_000_000_000L;
    for (long base : new long[] {1, 40, 77, 120, 151}) {
      // newest by name is oldest by time: "newest" must mean the base index, not the clock
      write(P0 + segment(base), 2048 - base).toFile().setLastModified(mtime -= 60_000);
    }
    write(P0 + "log.meta", 24);
    write(P0 + "hardstate", 40);
    write(P0 + "snapshot.prev", 300);
    write(P0 + "snapshot.tmp", 300); // a store's unfinished temp file: not a snapshot yet
    write("raft/p1-chronik-1/" + segment(1), 2040);
    write("raft/p1-chronik-1/" + segment(33), 900); // two segments: none closed enough
    write("raft/p1-chronik-2/" + segment(1), 10);
    write("raft/p1-chronik-2/" + segment(9), 0); // closed but empty: nothing to damage
    write("raft/p1-chronik-2/" + segment(17), 500);
    write("raft/p1-chronik-2/" + segment(25), 0); // just rolled to: empty, yet one of the two newest
    write("archive/" + segment(1), 5000); // outside the Raft groups
  }

  private Path write(String relative, long bytes) throws IOException {
    Path file = data.resolve(relative);
    Files.createDirectories(file.getParent());
    byte[] content = new byte[(int) bytes];
    new Random(relative.hashCode()).nextBytes(content);
    Files.write(file, content);
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    return file;
  }

  private List<CorruptionTarget.DataFile> listing() {
    LocalCommand.Result r = LocalCommand.run("sh", "-c", "cd '" + data + "' && " + Corruption.LIST_GROUP_FILES).orThrow();
    return Corruption.parseListing(r.stdout());
  }

  @Test
  void onlyClosedSegmentsAndSnapshotsOfGroupDirectoriesAreEligibleNeverHardStateMetaTempOrTheTwoNewestSegments() {
    List<CorruptionTarget.DataFile> files = listing();
    assertThat(files).extracting(CorruptionTarget.DataFile::path).contains("raft/hardstate.journal", P0 + "hardstate",
        P0 + "log.meta", P0 + segment(151)).noneMatch(p -> p.startsWith("archive/") || p.startsWith("./"));
    assertThat(files).filteredOn(f -> f.path().equals(P0 + segment(40))).extracting(CorruptionTarget.DataFile::sizeBytes)
        .containsExactly(2008L);
    Set<String> expected = new HashSet<>(CLOSED_P0);
    expected.addAll(Set.of("raft/metadata/snapshot", P0 + "snapshot.prev", "raft/p1-chronik-2/" + segment(1)));
    assertThat(CorruptionTarget.eligible(files)).extracting(CorruptionTarget.DataFile::path)
        .containsExactlyInAnyOrderElementsOf(expected).isSorted();
  }

  @Test
  void aSeedReplaysTheSameDamageAndSeedsReachEveryEligibleFileAndBothKindsWithinTheFile() {
    List<CorruptionTarget.DataFile> files = listing();
    Set<String> hit = new HashSet<>();
    Set<CorruptionTarget.Kind> kinds = EnumSet.noneOf(CorruptionTarget.Kind.class);
    for (long seed = 0; seed < 300; seed++) {
      CorruptionTarget t = CorruptionTarget.choose(files, new Random(seed)).orElseThrow();
      assertThat(CorruptionTarget.choose(listing(), new Random(seed))).as("seed %s replays", seed).contains(t);
      hit.add(t.file());
      kinds.add(t.kind());
      long size = files.stream().filter(f -> f.path().equals(t.file())).findFirst().orElseThrow().sizeBytes();
      assertThat(t.sizeBytes()).isEqualTo(size);
      if (t.kind() == CorruptionTarget.Kind.FLIP) {
        assertThat(t.offset()).isBetween(0L, size - 1);
        assertThat(t.bytes()).isEqualTo(1);
      } else {
        assertThat(t.file()).as("only segments are cut").endsWith(".log");
        assertThat(t.bytes()).isBetween(1L, Math.min(CorruptionTarget.TRUNCATE_BYTES_MAX, size - 1));
        assertThat(t.offset()).isEqualTo(size - t.bytes());
      }
      if (t.file().contains("snapshot")) {
        assertThat(t.kind()).isEqualTo(CorruptionTarget.Kind.FLIP);
      }
      assertThat(t.groupDir()).startsWith("raft/").doesNotEndWith("/");
    }
    assertThat(hit).containsExactlyInAnyOrderElementsOf(
        CorruptionTarget.eligible(files).stream().map(CorruptionTarget.DataFile::path).toList());
    assertThat(kinds).containsExactlyInAnyOrder(CorruptionTarget.Kind.FLIP, CorruptionTarget.Kind.TRUNCATE);
  }

  @Test
  void withoutAClosedSegmentOrSnapshotNothingIsChosenAndWithoutARaftDirectoryNothingIsListed() throws IOException {
    List<CorruptionTarget.DataFile> young = listing().stream()
        .filter(f -> f.path().startsWith("raft/p1-chronik-1/") || f.path().endsWith("hardstate.journal")).toList();
    assertThat(young).hasSize(3);
    assertThat(CorruptionTarget.choose(young, new Random(1))).isEqualTo(Optional.empty());
    Files.walk(data.resolve("raft")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    assertThat(listing()).isEmpty();
  }

  @Test
  void theFlipCommandInvertsExactlyOneByteInPlaceAndSaysWhatItReadAndTheTruncateCommandCutsTheTail()
      throws IOException {
    Path file = data.resolve(P0 + segment(40));
    byte[] before = Files.readAllBytes(file);
    for (long offset : new long[] {0, 17, before.length - 1}) {
      byte[] was = Files.readAllBytes(file);
      String answer = LocalCommand.run("sh", "-c", "cd '" + data + "' && " + Corruption.flipCommand(P0 + segment(40),
          offset)).orThrow().stdout().strip();
      byte[] now = Files.readAllBytes(file);
      int old = was[(int) offset] & 0xff;
      assertThat(answer).isEqualTo(old + "->" + (255 - old));
      assertThat(now).hasSize(was.length);
      for (int i = 0; i < now.length; i++) {
        assertThat(now[i]).as("byte %s after a flip at %s", i, offset).isEqualTo(i == offset ? (byte) ~was[i] : was[i]);
      }
    }
    Files.write(file, new byte[] {(byte) 255, 0});
    assertThat(LocalCommand.run("sh", "-c", "cd '" + data + "' && " + Corruption.flipCommand(P0 + segment(40), 0)
        + " && " + Corruption.flipCommand(P0 + segment(40), 1)).orThrow().stdout()).isEqualTo("255->0\n0->255\n");
    assertThat(Files.readAllBytes(file)).containsExactly(0, 255);
    assertThat(LocalCommand.run("sh", "-c", "cd '" + data + "' && " + Corruption.flipCommand(P0 + segment(40), 2)).ok())
        .as("an offset past the end writes nothing").isFalse();
    assertThat(Files.readAllBytes(file)).containsExactly(0, 255);

    Path closed = data.resolve(P0 + segment(1));
    byte[] whole = Files.readAllBytes(closed);
    assertThat(LocalCommand.run("sh", "-c", "cd '" + data + "' && " + Corruption.truncateCommand(P0 + segment(1), 310))
        .orThrow().stdout().strip()).isEqualTo(Integer.toString(whole.length - 310));
    assertThat(Files.readAllBytes(closed)).isEqualTo(java.util.Arrays.copyOf(whole, whole.length - 310));
  }
}
