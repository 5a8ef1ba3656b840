package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one file of a broker's data dir the {@code corrupt} fault damages, and how: a flipped byte or a
 * cut tail of a closed segment, or a flipped byte of a snapshot, in a Raft group directory
 * ({@code raft/<group>/}). Drawn from a listing of the data dir and a seeded Random, so a seed replays
 * the same damage on the same data.
 *
 * <p>Never a hard-state file or journal, nor {@code log.meta}: losing those is disk loss, another fault.
 * Never one of a directory's two newest segments (by the base index in their names): their tails look
 * like torn writes to recovery, which may rightly drop them; the damage this fault makes must be found
 * by checksums and repaired from peers.
 *
 * @param file path relative to the data dir ({@code raft/p1-chronik-0/00000000000000000042.log})
 * @param offset the flipped byte's offset (flip), or the new size (truncate)
 * @param bytes bytes damaged: 1 (flip) or the bytes cut off the tail (truncate)
 * @param sizeBytes the file's size before the damage
 */
public record CorruptionTarget(Kind kind, String file, long offset, long bytes, long sizeBytes) {
  /** What happens to the file. */
  public enum Kind { FLIP, TRUNCATE }

  /** One regular file of a data dir: its path relative to the data dir and its size. */
  public record DataFile(String path, long sizeBytes) {}

  /** At most this much is cut off a segment's tail: a few frames, as a torn sector run would. */
  static final int TRUNCATE_BYTES_MAX = 4096;
  /** Segments this fault never touches per directory: the active one and the one before it. */
  static final int NEWEST_SEGMENTS_SPARED = 2;

  private static final Pattern SEGMENT = Pattern.compile("raft/([^/]+)/(\\d{20})\\.log");
  private static final Pattern SNAPSHOT = Pattern.compile("raft/([^/]+)/snapshot(\\.prev)?");

  /**
   * The files the fault may damage, sorted by path: snapshots ({@code snapshot}, {@code snapshot.prev})
   * and every segment but the two newest of each group directory; empty files never.
   */
  public static List<DataFile> eligible(List<DataFile> files) {
    Map<String, List<DataFile>> segmentsByGroup = new HashMap<>();
    List<DataFile> out = new ArrayList<>();
    for (DataFile f : files) {
      Matcher segment = SEGMENT.matcher(f.path());
      if (segment.matches()) {
        // empty ones too: a segment just rolled to is empty and still one of the newest two
        segmentsByGroup.computeIfAbsent(segment.group(1), g -> new ArrayList<>()).add(f);
      } else if (SNAPSHOT.matcher(f.path()).matches() && f.sizeBytes() > 0) {
        out.add(f);
      }
    }
    for (List<DataFile> segments : segmentsByGroup.values()) {
      segments.sort(Comparator.comparingLong(CorruptionTarget::baseIndex));
      segments.subList(0, Math.max(0, segments.size() - NEWEST_SEGMENTS_SPARED)).stream()
          .filter(f -> f.sizeBytes() > 0).forEach(out::add);
    }
    out.sort(Comparator.comparing(DataFile::path));
    return out;
  }

  /**
   * Draws the damage from {@code files} (any listing of a data dir): an eligible file, then for a
   * segment a flip or a cut of 1..4096 bytes (keeping at least one byte: an emptied file is a lost
   * file, not a damaged one), for a snapshot a flip; empty when no file is eligible.
   */
  public static Optional<CorruptionTarget> choose(List<DataFile> files, Random random) {
    List<DataFile> candidates = eligible(files);
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    DataFile f = candidates.get(random.nextInt(candidates.size()));
    boolean segment = SEGMENT.matcher(f.path()).matches();
    if (segment && f.sizeBytes() > 1 && random.nextBoolean()) {
      long cut = 1 + random.nextInt((int) Math.min(TRUNCATE_BYTES_MAX, f.sizeBytes() - 1));
      return Optional.of(new CorruptionTarget(Kind.TRUNCATE, f.path(), f.sizeBytes() - cut, cut, f.sizeBytes()));
    }
    long offset = Math.min(f.sizeBytes() - 1, (long) (random.nextDouble() * f.sizeBytes()));
    return Optional.of(new CorruptionTarget(Kind.FLIP, f.path(), offset, 1, f.sizeBytes()));
  }

  /** The group directory the file lies in, relative to the data dir ({@code raft/p1-chronik-0}). */
  public String groupDir() {
    return file.substring(0, file.lastIndexOf('/'));
  }

  /** For the history: {@code flip file=raft/g/...log offset=1234 size=16380} or {@code truncate ... bytes=310}. */
  public String describe() {
    return kind == Kind.FLIP
        ? "flip file=" + file + " offset=" + offset + " size=" + sizeBytes
        : "truncate file=" + file + " bytes=" + bytes + " size-was=" + sizeBytes + " size=" + offset;
  }

  private static long baseIndex(DataFile segment) {
    String name = segment.path().substring(segment.path().lastIndexOf('/') + 1);
    return Long.parseLong(name.substring(0, 20));
  }
}
