package io.chronik.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a file to hold what a test expects, woken by changes in its directory (inotify) rather than
 * by sleeping: tests wait on conditions. {@code givenUp} is asked at least every {@link #RECHECK} and
 * after each change; a non-null answer (say, the process that writes the file exited) fails at once
 * with it instead of waiting out the timeout.
 */
public final class FileWait {
  private static final Duration RECHECK = Duration.ofMillis(500);

  private FileWait() {}

  /** The file's content once {@code done} holds for it; an AssertionError naming why if it never does. */
  public static String until(Path file, Predicate<String> done, Duration timeout, Supplier<String> givenUp)
      throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    try (WatchService watch = file.getFileSystem().newWatchService()) {
      // registered before the first look: a change between the look and the wait still wakes it
      file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      while (true) {
        String content = Files.exists(file) ? Files.readString(file) : null;
        if (content != null && done.test(content)) {
          return content;
        }
        String reason = givenUp.get();
        if (reason != null) {
          throw new AssertionError("file=" + file + " reason=" + reason + " content=" + content);
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("file=" + file + " reason=timed-out timeout-ms=" + timeout.toMillis()
              + " content=" + content);
        }
        WatchKey key = watch.poll(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }
}
