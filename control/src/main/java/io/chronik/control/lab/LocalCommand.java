package io.chronik.control.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program on the control machine itself (ip, iptables, ssh-keygen) with a deadline. Only the
 * lab uses this: everything that touches a test host goes over SSH.
 */
public final class LocalCommand {
  /** Output readers block until EOF; their own threads, since the common pool may have one worker. */
  private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "chronik-output-reader");
    t.setDaemon(true);
    return t;
  });
  private static final int STDERR_TAIL_CHARS = 600;

  /** Result of a finished program. */
  public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** Throws with the command, exit code and stderr tail unless the program exited 0. */
    public Result orThrow() {
      if (exitCode != 0) {
        throw new LabException("command=" + String.join(" ", argv) + " exit=" + exitCode
            + " stderr=" + tail(stderr.strip()));
      }
      return this;
    }
  }

  private LocalCommand() {}

  public static Result run(Duration timeout, List<String> argv) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    Process process;
    try {
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new LabException("command=" + String.join(" ", argv) + " reason=cannot-start error=" + e.getMessage());
    }
    CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()), READERS);
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), READERS);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new LabException("command=" + String.join(" ", argv) + " reason=timeout timeout-ms=" + timeout.toMillis());
      }
      return new Result(List.copyOf(argv), process.exitValue(), stdout.join(), stderr.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new LabException("command=" + String.join(" ", argv) + " reason=interrupted");
    }
  }

  public static Result run(String... argv) {
    return run(Duration.ofSeconds(30), List.of(argv));
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(String text) {
    return text.length() <= STDERR_TAIL_CHARS ? text : "…" + text.substring(text.length() - STDERR_TAIL_CHARS);
  }
}
