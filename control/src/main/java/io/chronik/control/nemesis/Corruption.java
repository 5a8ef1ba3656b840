package io.chronik.control.nemesis;

import io.chronik.control.host.Host;
import io.chronik.control.host.Shell;
import io.chronik.control.ssh.SshHosts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Damages a STOPPED node's data the way disks and crashes do: chop the tail off a file (a torn
 * write) or flip one byte (bit rot). The file and offset come from a seeded Random, so a failing run
 * can be replayed. Returns a description of what was done, for the history.
 */
public final class Corruption {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /**
   * The shell command that lists the Raft group files under the current directory (a data dir), one
   * {@code <size> <path>} line each; nothing when there is no {@code raft} directory yet.
   */
  public static final String LIST_GROUP_FILES = "if [ -d raft ]; then find raft -type f -printf '%s %p\\n'; fi";

  private final SshHosts ssh;

  public Corruption(SshHosts ssh) {
    this.ssh = ssh;
  }

  /** The lines of {@code find -printf '%s %p\n'}, a leading {@code ./} dropped from each path. */
  public static List<CorruptionTarget.DataFile> parseListing(String lines) {
    return lines.lines().filter(l -> !l.isBlank()).map(l -> {
      String[] sizeAndPath = l.split(" ", 2);
      String path = sizeAndPath[1].startsWith("./") ? sizeAndPath[1].substring(2) : sizeAndPath[1];
      return new CorruptionTarget.DataFile(path, Long.parseLong(sizeAndPath[0]));
    }).toList();
  }

  /**
   * Damages one closed segment or snapshot of the stopped node's Raft group directories as
   * {@link CorruptionTarget#choose} draws it from {@code random}; the answer says what was done
   * ({@code flip file=... offset=... size=... byte=37->218}, the byte as read back) or
   * {@code none reason=no-closed-segment-or-snapshot files=N} when nothing is eligible (nothing touched).
   */
  public String damageGroupFile(Host host, String dataDir, Random random) {
    String listing = ssh.run(host, "cd " + Shell.quote(dataDir) + " && " + LIST_GROUP_FILES, TIMEOUT).stdout();
    List<CorruptionTarget.DataFile> files = parseListing(listing);
    Optional<CorruptionTarget> target = CorruptionTarget.choose(files, random);
    if (target.isEmpty()) {
      return "none reason=no-closed-segment-or-snapshot files=" + files.size();
    }
    CorruptionTarget t = target.get();
    return switch (t.kind()) {
      case FLIP -> t.describe() + " byte=" + flipAt(host, dataDir, t.file(), t.offset());
      case TRUNCATE -> t.describe() + " size-now=" + truncateBy(host, dataDir, t.file(), t.bytes());
    };
  }

  /** Files under {@code dataDir} with their sizes, sorted by path. */
  List<String[]> files(Host host, String dataDir) {
    String out = ssh.run(host, "cd " + Shell.quote(dataDir) + " && find . -type f -size +0 -printf '%s %p\\n' | sort -k2",
        TIMEOUT).stdout();
    return out.lines().filter(l -> !l.isBlank()).map(l -> l.split(" ", 2)).toList();
  }

  /** Truncates up to {@code bytesMax} bytes from the end of a random data file. */
  public String truncateTail(Host host, String dataDir, Random random, int bytesMax) {
    String[] pick = pick(host, dataDir, random);
    long size = Long.parseLong(pick[0]);
    long cut = 1 + random.nextInt((int) Math.min(bytesMax, size));
    truncateBy(host, dataDir, pick[1], cut);
    return "truncate file=" + pick[1] + " bytes=" + cut + " size-was=" + size;
  }

  /** Inverts one byte at a random offset of a random data file. */
  public String flipByte(Host host, String dataDir, Random random) {
    String[] pick = pick(host, dataDir, random);
    long size = Long.parseLong(pick[0]);
    long offset = (long) (random.nextDouble() * size);
    flipAt(host, dataDir, pick[1], offset);
    return "flip-byte file=" + pick[1] + " offset=" + offset;
  }

  private String flipAt(Host host, String dataDir, String path, long offset) {
    return ssh.run(host, "cd " + Shell.quote(dataDir) + " && " + flipCommand(path, offset), TIMEOUT).stdout().strip();
  }

  private String truncateBy(Host host, String dataDir, String path, long bytes) {
    return ssh.run(host, "cd " + Shell.quote(dataDir) + " && " + truncateCommand(path, bytes), TIMEOUT).stdout().strip();
  }

  /**
   * Shell that inverts the byte at {@code offset} of {@code path} in place and prints it as read before
   * and after ({@code 37->218}): read, invert, write back (printf's octal escape writes the raw byte), read.
   */
  static String flipCommand(String path, long offset) {
    String file = Shell.quote(path);
    String read = "od -An -tu1 -j " + offset + " -N1 " + file + " | tr -d ' '";
    return "B=$(" + read + ") && [ -n \"$B\" ]"
        + " && printf \"\\\\$(printf '%03o' $((255 - B)))\" | dd of=" + file + " bs=1 seek=" + offset
        + " conv=notrunc status=none && echo \"$B->$(" + read + ")\"";
  }

  /** Shell that cuts {@code bytes} off the end of {@code path} and prints its size afterwards. */
  static String truncateCommand(String path, long bytes) {
    String file = Shell.quote(path);
    return "truncate -s -" + bytes + " " + file + " && stat -c %s " + file;
  }

  private String[] pick(Host host, String dataDir, Random random) {
    List<String[]> files = files(host, dataDir);
    if (files.isEmpty()) {
      throw new IllegalStateException("host=" + host.name() + " data-dir=" + dataDir + " reason=no-data-files");
    }
    return files.get(random.nextInt(files.size()));
  }
}
