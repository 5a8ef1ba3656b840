package io.chronik.control.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process named by pid and by its start time in clock ticks since boot (field 22 of
 * {@code /proc/<pid>/stat}). The pair, not the pid alone, identifies a process: once a broker exits
 * its pid may be handed to an unrelated process, and that process must never receive our signals.
 */
record ProcessStamp(long pid, long startTicks) {

  /** The stamp of the running process {@code pid}, or empty when there is none (or it has exited). */
  static Optional<ProcessStamp> of(long pid) {
    return readStat(pid).filter(Stat::running).map(stat -> new ProcessStamp(pid, stat.startTicks()));
  }

  /** True while the very process this stamp was taken of runs (same pid, same start time, not a zombie). */
  boolean isAlive() {
    return of(pid).map(now -> now.startTicks == startTicks).orElse(false);
  }

  /** SIGTERM, only to the stamped process; returns false when it was already gone. */
  boolean terminate() {
    return isAlive() && ProcessHandle.of(pid).map(ProcessHandle::destroy).orElse(false);
  }

  /** SIGKILL, only to the stamped process; returns false when it was already gone. */
  boolean kill() {
    return isAlive() && ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
  }

  /**
   * {@code threads} is field 20 (num_threads). A killed multi-threaded process (a JVM) shows its main
   * thread as a zombie while its other threads are still tearing down; until the last of them is gone
   * the process still holds its descriptors, so its listening sockets still accept connections. Only a
   * zombie with no thread left but the main one has exited (a health probe once saw a just-killed node
   * as reachable because it was judged gone too early).
   */
  record Stat(char state, long threads, long startTicks) {
    boolean running() {
      return state != 'X' && !(state == 'Z' && threads <= 1);
    }
  }

  /**
   * Parses {@code /proc/<pid>/stat}. The command name (field 2) is in parentheses and may itself
   * contain spaces and parentheses, so fields are counted from the last ')'.
   */
  private static Optional<Stat> readStat(long pid) {
    String text;
    try {
      text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
    } catch (IOException gone) {
      return Optional.empty();
    }
    return parseStat(text);
  }

  static Optional<Stat> parseStat(String text) {
    int close = text.lastIndexOf(')');
    if (close < 0) {
      return Optional.empty();
    }
    String[] rest = text.substring(close + 1).trim().split("\\s+");
    // rest[0] is field 3 (state); field 20 (num_threads) is therefore rest[17], field 22 (starttime) rest[19].
    if (rest.length < 20 || rest[0].isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Stat(rest[0].charAt(0), Long.parseLong(rest[17]), Long.parseLong(rest[19])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
