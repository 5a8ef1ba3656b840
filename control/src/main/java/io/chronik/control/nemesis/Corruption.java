package io.chronik.control.nemesis;

import io.chronik.control.host.Host;
import io.chronik.control.host.Shell;
import io.chronik.control.ssh.SshHosts;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Damages a STOPPED node's data the way disks and crashes do: chop the tail off a file (a torn
 * write) or flip one byte (bit rot). The file and offset come from a seeded Random, so a failing run
 * can be replayed. Returns a description of what was done, for the history.
 */
public final class Corruption {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final SshHosts ssh;

  public Corruption(SshHosts ssh) {
    this.ssh = ssh;
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
    ssh.run(host, "cd " + Shell.quote(dataDir) + " && truncate -s -" + cut + " " + Shell.quote(pick[1]), TIMEOUT);
    return "truncate file=" + pick[1] + " bytes=" + cut + " size-was=" + size;
  }

  /** Inverts one byte at a random offset of a random data file. */
  public String flipByte(Host host, String dataDir, Random random) {
    String[] pick = pick(host, dataDir, random);
    long size = Long.parseLong(pick[0]);
    long offset = (long) (random.nextDouble() * size);
    String file = Shell.quote(pick[1]);
    // Read the byte, invert it, write it back in place; printf's octal escape writes raw bytes.
    String cmd = "cd " + Shell.quote(dataDir) + " && B=$(od -An -tu1 -j " + offset + " -N1 " + file + " | tr -d ' ')"
        + " && printf \"\\\\$(printf '%03o' $((255 - B)))\" | dd of=" + file + " bs=1 seek=" + offset
        + " conv=notrunc status=none";
    ssh.run(host, cmd, TIMEOUT);
    return "flip-byte file=" + pick[1] + " offset=" + offset;
  }

  private String[] pick(Host host, String dataDir, Random random) {
    List<String[]> files = files(host, dataDir);
    if (files.isEmpty()) {
      throw new IllegalStateException("host=" + host.name() + " data-dir=" + dataDir + " reason=no-data-files");
    }
    return files.get(random.nextInt(files.size()));
  }
}
