package io.chronik.control.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Undoes a {@link LabJournal} newest-first; every step checks existence first, so it is idempotent. */
final class LabTeardown {
  private final Path dir;

  LabTeardown(Path dir) {
    this.dir = dir;
  }

  List<String> run() {
    List<LabJournal.Entry> entries = new ArrayList<>(new LabJournal(dir).entries());
    if (entries.isEmpty()) {
      return List.of("lab=" + dir + " state=down (nothing to remove)");
    }
    Collections.reverse(entries);
    List<String> done = new ArrayList<>();
    for (LabJournal.Entry e : entries) {
      switch (e.kind()) {
        case "sshd" -> livePid(Path.of(e.arg(0)), e.arg(1)).ifPresent(pid -> {
          stop(pid);
          done.add("stopped sshd pid=" + pid);
        });
        case "veth" -> {
          if (LocalCommand.run("ip", "link", "show", e.arg(0)).ok()) {
            LocalCommand.run("ip", "link", "del", e.arg(0)).orThrow();
            done.add("deleted veth=" + e.arg(0));
          }
        }
        case "netns" -> {
          if (namespaces().contains(e.arg(0))) {
            // Processes started inside (the broker, its tools) would keep the namespace alive unseen.
            for (long pid : namespacePids(e.arg(0))) {
              stop(pid);
              done.add("stopped pid=" + pid + " netns=" + e.arg(0));
            }
            LocalCommand.run("ip", "netns", "del", e.arg(0)).orThrow();
            done.add("deleted netns=" + e.arg(0));
          }
        }
        case "bridge" -> {
          if (LocalCommand.run("ip", "link", "show", e.arg(0)).ok()) {
            LocalCommand.run("ip", "link", "del", e.arg(0)).orThrow();
            done.add("deleted bridge=" + e.arg(0));
          }
        }
        case "host-chain" -> {
          while (LocalCommand.run("iptables", "-w", "-D", "FORWARD", "-j", e.arg(0)).ok()) {
            done.add("unlinked iptables-chain=" + e.arg(0) + " from=FORWARD");
          }
          if (LocalCommand.run("iptables", "-w", "-n", "-L", e.arg(0)).ok()) {
            LocalCommand.run("iptables", "-w", "-F", e.arg(0)).orThrow();
            LocalCommand.run("iptables", "-w", "-X", e.arg(0)).orThrow();
            done.add("deleted iptables-chain=" + e.arg(0));
          }
        }
        case "privsep-dir" -> {
          // journals of older labs name it; it stays: other labs' sshds on this machine need it
        }
        case "dir" -> {
          // a lazy data dir (lazyfs) whose process was stopped with its namespace leaves its mount behind
          for (String mount : fuseMountsUnder(Path.of(e.arg(0)))) {
            LocalCommand.run("fusermount", "-u", "-z", mount);
            done.add("unmounted fuse=" + mount);
          }
          deleteTree(Path.of(e.arg(0)));
          done.add("removed lab-dir=" + e.arg(0));
        }
        default -> throw new LabException("journal-entry=" + e.kind() + " reason=unknown-kind");
      }
    }
    return done;
  }

  static List<String> namespaces() {
    List<String> out = new ArrayList<>();
    for (String line : LocalCommand.run("ip", "netns", "list").orThrow().stdout().split("\n")) {
      if (!line.isBlank()) {
        out.add(line.strip().split("\\s+")[0]);
      }
    }
    return out;
  }

  static List<Long> namespacePids(String ns) {
    List<Long> out = new ArrayList<>();
    for (String line : LocalCommand.run("ip", "netns", "pids", ns).orThrow().stdout().split("\n")) {
      if (!line.isBlank()) {
        out.add(Long.parseLong(line.strip()));
      }
    }
    return out;
  }

  /** The pid in {@code pidFile} if that process is alive and its command line mentions {@code marker}. */
  static Optional<Long> livePid(Path pidFile, String marker) {
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
      Path cmdline = Path.of("/proc/" + pid + "/cmdline");
      if (!Files.exists(cmdline)) {
        return Optional.empty();
      }
      String args = Files.readString(cmdline, StandardCharsets.ISO_8859_1).replace('\0', ' ');
      return args.contains(marker) ? Optional.of(pid) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** SIGTERM, then SIGKILL if still alive after two seconds; waits until the pid is gone. */
  static void stop(long pid) {
    ProcessHandle.of(pid).ifPresent(handle -> {
      handle.destroy();
      try {
        handle.onExit().get(2, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        handle.destroyForcibly();
        handle.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> handle).join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new LabException("pid=" + pid + " reason=wait-failed");
      }
    });
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("path=" + p + " reason=delete-failed", e);
    }
  }

  /** FUSE mount points at or below {@code dir} (from /proc/mounts), deepest first. */
  static List<String> fuseMountsUnder(Path dir) {
    List<String> found = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[2].startsWith("fuse") && (f[1].equals(dir.toString()) || f[1].startsWith(dir + "/"))) {
          found.add(f[1]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("path=/proc/mounts reason=read-failed", e);
    }
    found.sort(Comparator.reverseOrder());
    return found;
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(LabTeardown::delete);
    } catch (IOException e) {
      throw new UncheckedIOException("path=" + root + " reason=delete-failed", e);
    }
  }
}
