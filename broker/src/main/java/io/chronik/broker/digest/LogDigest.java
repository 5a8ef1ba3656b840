package io.chronik.broker.digest;

import io.chronik.raft.storage.LogScan;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The digest of a node's Raft logs, one group directory at a time (the metadata group and every
 * partition): its first, last and commit index, a SHA-256 per block of {@code blockEntries} entries
 * (blocks aligned on index: block k holds indexes k*B+1 .. (k+1)*B, so two replicas' blocks line up)
 * over each entry's index, term and frame CRC32C (which covers key, kind and payload), and on request
 * every entry of an index range. Read-only: it opens files for reading and never repairs anything.
 *
 * <p>Output, one {@code key=value} line per item (the control node parses it):
 * <pre>
 * group dir=p1-chronik-log-0 first=1 last=5234 commit=5230 end=end segments=1
 * block dir=p1-chronik-log-0 from=1 to=1024 lastTerm=3 digest=9f2c...
 * entry dir=p1-chronik-log-0 index=5121 term=3 key=812 kind=0 crc=1a2b3c4d bytes=220
 * </pre>
 */
public final class LogDigest {
  /** One index range whose entries are listed: group directory name and inclusive bounds. */
  public record EntryRange(String dir, long from, long to) {
    /** Parses {@code DIR:FROM-TO}. */
    public static EntryRange parse(String text) {
      int colon = text.lastIndexOf(':');
      int dash = text.lastIndexOf('-');
      if (colon <= 0 || dash < colon) {
        throw new IllegalArgumentException("entries=" + text + " reason=expected DIR:FROM-TO");
      }
      try {
        return new EntryRange(text.substring(0, colon), Long.parseLong(text.substring(colon + 1, dash)),
            Long.parseLong(text.substring(dash + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("entries=" + text + " reason=expected DIR:FROM-TO");
      }
    }
  }

  private final int blockEntries;

  public LogDigest(int blockEntries) {
    if (blockEntries < 1) {
      throw new IllegalArgumentException("blockEntries=" + blockEntries + " reason=must-be-positive");
    }
    this.blockEntries = blockEntries;
  }

  /** Prints the digest of every group under {@code raftDir} ({@code <data.dir>/raft}) in name order. */
  public void print(Path raftDir, List<EntryRange> entries, PrintStream out) throws IOException {
    if (!Files.isDirectory(raftDir)) {
      throw new IOException("dir=" + raftDir + " reason=no-raft-directory");
    }
    Map<String, Long> commits = LogScan.journalCommits(raftDir);
    List<Path> groups = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(raftDir)) {
      dirs.filter(Files::isDirectory).sorted().forEach(groups::add);
    }
    for (Path group : groups) {
      String name = group.getFileName().toString();
      List<EntryRange> wanted = entries.stream().filter(r -> r.dir().equals(name)).toList();
      Long journaled = commits.get(name);
      group(group, journaled != null ? journaled : Math.max(0, LogScan.fileCommit(group)), wanted, out);
    }
  }

  private void group(Path dir, long commit, List<EntryRange> wanted, PrintStream out) throws IOException {
    String name = dir.getFileName().toString();
    List<String> lines = new ArrayList<>();
    Block block = new Block(name, lines);
    LogScan.End end = LogScan.frames(dir, f -> {
      long blockStart = ((f.index() - 1) / blockEntries) * blockEntries + 1;
      if (block.from != 0 && blockStart != block.start) {
        block.flush();
      }
      block.add(blockStart, f);
      for (EntryRange r : wanted) {
        if (f.index() >= r.from() && f.index() <= r.to()) {
          lines.add("entry dir=" + name + " index=" + f.index() + " term=" + f.term() + " key=" + f.key() + " kind="
              + f.kind() + " crc=" + Integer.toHexString(f.crc()) + " bytes=" + f.payloadBytes());
        }
      }
    });
    block.flush();
    out.println("group dir=" + name + " first=" + end.firstIndex() + " last=" + end.lastIndex() + " commit=" + commit
        + " end=" + end.reason() + (end.segment().isEmpty() ? "" : " segment=" + end.segment() + " offset=" + end.offset())
        + " segments=" + end.segments());
    lines.forEach(out::println);
  }

  /** The block being hashed: its aligned start, the first and last index seen and the running SHA-256. */
  private static final class Block {
    private final String dir;
    private final List<String> lines;
    private final MessageDigest sha;
    private final ByteBuffer entry = ByteBuffer.allocate(20);
    long start;
    long from;
    long to;
    long lastTerm;

    Block(String dir, List<String> lines) {
      this.dir = dir;
      this.lines = lines;
      try {
        this.sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every JDK", e);
      }
    }

    void add(long blockStart, LogScan.Frame f) {
      if (from == 0) {
        start = blockStart;
        from = f.index();
      }
      to = f.index();
      lastTerm = f.term();
      sha.update(entry.clear().putLong(f.index()).putLong(f.term()).putInt(f.crc()).array());
    }

    void flush() {
      if (from == 0) {
        return;
      }
      lines.add("block dir=" + dir + " from=" + from + " to=" + to + " lastTerm=" + lastTerm + " digest="
          + HexFormat.of().formatHex(sha.digest(), 0, 16));
      from = 0;
    }
  }
}
