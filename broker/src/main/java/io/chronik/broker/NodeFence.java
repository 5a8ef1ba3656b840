package io.chronik.broker;

import ch.qos.logback.classic.LoggerContext;
import io.chronik.pipeline.driver.DriverFailure;
import io.chronik.pipeline.driver.DriverFailureListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fail-stop for a node whose Raft driver stopped for good (a failed write or fsync, a full disk, a
 * commit beyond the durable index, a bug on the driver thread), as Kafka halts when its last log dir
 * fails. The stopped driver has frozen every group in its role, so a live process would keep naming
 * itself leader in Metadata, serving Fetch and answering peers' liveness checks while never
 * replicating again; quiescent groups it led would never elect. So the node logs one line, stops its
 * pings and ticks, gives the responses of the appends the driver failed (KAFKA_STORAGE_ERROR) a moment
 * to leave, and halts: peers see its connections close and elect at once. A supervisor restarts it
 * (systemd's {@code Restart=on-failure}); recovery then truncates a torn tail (docs/OPERATIONS.md).
 */
public final class NodeFence implements DriverFailureListener {
  /** Exit status after a storage failure or a durability violation (sysexits' EX_IOERR). */
  public static final int EXIT_STORAGE_FAILED = 74;
  /** Exit status after any other failure of the driver thread (sysexits' EX_SOFTWARE). */
  public static final int EXIT_DRIVER_FAILED = 70;
  /** How long the failed appends' responses get to reach their clients before the halt. */
  static final long RESPONSE_GRACE_MS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(NodeFence.class);

  private final int nodeId;
  private final IntConsumer halt;
  private final AtomicBoolean fenced = new AtomicBoolean();
  private final List<Runnable> stops = new CopyOnWriteArrayList<>();

  /** @param halt ends the process with the given status (production: {@link #haltProcess}) */
  public NodeFence(int nodeId, IntConsumer halt) {
    this.nodeId = nodeId;
    this.halt = halt;
  }

  /** Runs {@code stop} first thing when the node fences itself (e.g. stop liveness pings). */
  public void onFence(Runnable stop) {
    stops.add(stop);
  }

  @Override
  public void driverFailed(DriverFailure reason, Throwable cause) {
    if (!fenced.compareAndSet(false, true)) {
      return;
    }
    int exit = reason == DriverFailure.LOOP_FAILED ? EXIT_DRIVER_FAILED : EXIT_STORAGE_FAILED;
    LOG.error("node={} reason={} action=halt exit={} graceMs={} cause={}", nodeId, reason.key(), exit,
        RESPONSE_GRACE_MS, String.valueOf(cause)); // the driver logged the stack trace
    for (Runnable stop : stops) {
      try {
        stop.run();
      } catch (RuntimeException e) {
        LOG.error("node={} reason=fence-stop-failed", nodeId, e);
      }
    }
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(RESPONSE_GRACE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      halt.accept(exit);
    }, "chronik-node-fence");
    t.setDaemon(false);
    t.start();
  }

  /** True once the node fenced itself. */
  public boolean fenced() {
    return fenced.get();
  }

  /** Production halt: flush the log (logback stops its appenders), then {@link Runtime#halt}: no shutdown hooks. */
  public static void haltProcess(int status) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }
}
