package io.chronik.control.workload.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workload client as a separate process of this machine, restarted as often as the nemesis kills
 * it: each incarnation is a fresh process started from {@code command} (given its incarnation number),
 * whose stdout a thread of ours reads and records through the client's {@link ClientSession}, whose
 * stdin takes the replies, and whose stderr is appended to the client's log. It is killed only by the
 * pid it was started with ({@link Process#destroyForcibly}: SIGKILL, and only if that pid is still the
 * process we started).
 */
public final class ClientProcess {
  private static final Logger LOG = LoggerFactory.getLogger(ClientProcess.class);
  /** How long the reader may take to drain a dead process's pipe and settle its history. */
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private final ClientSession session;
  private final IntFunction<List<String>> command;
  private final Path log;
  private Incarnation current;
  private int incarnations;
  private volatile RuntimeException protocolError;

  /** One process of the client and the thread serving its wire. */
  private static final class Incarnation {
    final Process process;
    Thread reader;
    /** Why we killed it (null: we did not), for the in-flight operation's {@code :error}. */
    volatile String killedBecause;
    volatile String settled = "";

    Incarnation(Process process) {
      this.process = process;
    }
  }

  /**
   * @param command the command line of incarnation i (0 first), e.g. a {@link ClientMain} with the
   *     client's {@link KafkaClientSpec#args}
   * @param log the file the processes' stderr is appended to
   */
  public ClientProcess(ClientSession session, IntFunction<List<String>> command, Path log) {
    this.session = session;
    this.command = command;
    this.log = log;
  }

  public String name() {
    return session.client();
  }

  /** The running process's pid, or -1. */
  public synchronized long pid() {
    return current != null && current.process.isAlive() ? current.process.pid() : -1;
  }

  public synchronized boolean running() {
    return current != null && current.process.isAlive();
  }

  /** The first protocol violation any of its processes made, if one did. */
  public RuntimeException protocolError() {
    return protocolError;
  }

  /** Starts a fresh process unless one runs; returns {@code p1 pid=123 process=5} (its Jepsen process). */
  public synchronized String start() throws IOException {
    if (running()) {
      return name() + " pid=" + current.process.pid() + " already-running";
    }
    awaitSettled(current);
    session.restarted();
    List<String> cmd = command.apply(incarnations++);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    Incarnation inc = new Incarnation(p);
    inc.reader = new Thread(() -> serve(inc), "client-" + name() + "-" + p.pid());
    inc.reader.setDaemon(true);
    inc.reader.start();
    current = inc;
    return name() + " pid=" + p.pid() + " process=" + session.process();
  }

  /**
   * kill -9 of the running process; returns once it is reaped and its in-flight operation recorded:
   * {@code p1 pid=123 exit=137 process=0->5 in-flight=send}.
   */
  public String kill() throws InterruptedException {
    return kill("client-killed");
  }

  private String kill(String because) throws InterruptedException {
    Incarnation inc;
    synchronized (this) {
      inc = current;
      if (inc == null || !inc.process.isAlive()) {
        return name() + " not-running";
      }
      inc.killedBecause = because + " pid=" + inc.process.pid();
    }
    long before = session.process();
    inc.process.destroyForcibly();
    int exit = inc.process.waitFor();
    awaitSettled(inc);
    return name() + " pid=" + inc.process.pid() + " exit=" + exit + " process=" + before + "->" + session.process()
        + " " + inc.settled;
  }

  /**
   * The end of the run: every further invocation is answered {@code stop}, so the process finishes its
   * operation, closes its Kafka client and exits ({@link #awaitStop} kills it if it does not).
   */
  public void requestStop() {
    session.stop();
  }

  /** After {@link #requestStop}: waits for the exit until {@code deadlineNanos}, then kills. */
  public void awaitStop(long deadlineNanos) throws InterruptedException {
    Incarnation inc;
    synchronized (this) {
      inc = current;
    }
    if (inc == null) {
      return;
    }
    long waitNanos = deadlineNanos - System.nanoTime();
    if (!inc.process.waitFor(Math.max(0, waitNanos), TimeUnit.NANOSECONDS)) {
      LOG.warn("client={} pid={} reason=no-exit-after-stop action=kill", name(), inc.process.pid());
      kill("client-killed-after-stop-timeout");
    }
    awaitSettled(inc);
  }

  private static void awaitSettled(Incarnation inc) {
    if (inc == null) {
      return;
    }
    try {
      inc.reader.join(SETTLE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inc.reader.isAlive()) {
      throw new IllegalStateException("pid=" + inc.process.pid() + " reason=client-reader-still-running after="
          + SETTLE);
    }
  }

  /** The reader thread of one incarnation: lines in, replies out, then the end settled in the history. */
  private void serve(Incarnation inc) {
    Process p = inc.process;
    RuntimeException broken = null;
    InputStream in = p.getInputStream();
    LineReader lines = new LineReader(in);
    try (in; OutputStream out = p.getOutputStream()) {
      for (String line = lines.next(); line != null; line = lines.next()) {
        String reply = session.accept(line);
        if (reply != null) {
          reply(out, reply);
        }
      }
    } catch (ClientProtocolException e) {
      broken = e;
      protocolError = protocolError == null ? e : protocolError;
      LOG.error("client={} pid={} reason=protocol-error action=kill error={}", name(), p.pid(), e.getMessage());
      p.destroyForcibly(); // what it does next is unknown: it must not act unrecorded
    } catch (IOException e) {
      LOG.debug("client={} pid={} reason=pipe-closed error={}", name(), p.pid(), e.toString());
    }
    int exit = waitForExit(p);
    String because = inc.killedBecause;
    String why = broken != null ? "client-protocol-error pid=" + p.pid()
        : because != null ? because : "client-exited pid=" + p.pid() + " exit=" + exit;
    inc.settled = session.ended(why, broken == null && because == null && exit == 0)
        + (lines.droppedBytes() > 0 ? " dropped-partial-line-bytes=" + lines.droppedBytes() : "");
    if (broken == null && because == null && exit != 0) {
      LOG.warn("client={} pid={} exit={} reason=client-exited-by-itself log={}", name(), p.pid(), exit, log);
    }
  }

  private static void reply(OutputStream out, String reply) {
    try {
      out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // the process is gone; its pipe still yields what it wrote before, then the end of the stream
    }
  }

  private static int waitForExit(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
