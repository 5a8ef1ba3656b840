package io.chronik.control.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Labs left behind by a test JVM that died before its {@code finally} ran (killed build, machine
 * restart without reboot). Test labs live in {@code /var/tmp/<prefix><pid>}; if that pid no longer
 * runs, the lab is an orphan whose bridge and subnet would make the next run fail with
 * {@code subnet-already-routed}. Removal replays the orphan's own journal, so only what that lab
 * created is touched.
 */
public final class StaleTestLabs {
  private StaleTestLabs() {}

  /** Tears down every lab under {@code /var/tmp/<prefix><pid>} whose pid is dead; returns the dirs removed. */
  public static List<Path> removeOrphans(String prefix, String name) throws IOException {
    List<Path> removed = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(Path.of("/var/tmp"))) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(prefix)).toList()) {
        String suffix = dir.getFileName().toString().substring(prefix.length());
        if (!suffix.matches("\\d+") || ProcessHandle.of(Long.parseLong(suffix)).isPresent()) {
          continue;
        }
        new Lab(dir, name).down();
        removed.add(dir);
      }
    }
    return removed;
  }
}
