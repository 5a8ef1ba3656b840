package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chronik.pipeline.driver.DriverFailure;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class NodeFenceTest {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CountDownLatch halted = new CountDownLatch(1);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger fenceLog = (Logger) LoggerFactory.getLogger(NodeFence.class);
  private volatile long haltNanos;

  @BeforeEach
  void capture() {
    logged.start();
    fenceLog.addAppender(logged);
  }

  @AfterEach
  void release() {
    fenceLog.detachAppender(logged);
  }

  private NodeFence fence() {
    NodeFence fence = new NodeFence(7, status -> {
      haltNanos = System.nanoTime();
      events.add("halt " + status);
      halted.countDown();
    });
    fence.onFence(() -> events.add("stop pings"));
    return fence;
  }

  @Test
  void aStorageFailureStopsPingsLogsOneLineAndHaltsWithStatus74OnceAfterTheResponseGrace() throws Exception {
    NodeFence fence = fence();
    IOException enospc = new IOException("No space left on device");
    long failedNanos = System.nanoTime();
    Thread driver = new Thread(() -> fence.driverFailed(DriverFailure.STORAGE_FAILED, enospc));
    Thread again = new Thread(() -> fence.driverFailed(DriverFailure.LOOP_FAILED, new IllegalStateException()));
    driver.start();
    again.start();
    driver.join();
    again.join();

    assertThat(halted.await(10, TimeUnit.SECONDS)).isTrue();
    // only the fence's own thread halts: once every such thread ended, a second halt cannot come any more
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("chronik-node-fence")) {
        t.join(10_000);
      }
    }
    assertThat(fence.fenced()).isTrue();
    assertThat(events).hasSize(2).startsWith("stop pings").element(1).asString().startsWith("halt ");
    assertThat(TimeUnit.NANOSECONDS.toMillis(haltNanos - failedNanos)).isGreaterThanOrEqualTo(
        NodeFence.RESPONSE_GRACE_MS);
    assertThat(logged.list).hasSize(1);
    String line = logged.list.get(0).getFormattedMessage();
    // whichever report came first decides; both end the process once
    assertThat(line).matches("node=7 reason=(storage-failed action=halt exit=74|loop-failed action=halt exit=70)"
        + " graceMs=100 cause=.*");
    assertThat(events.get(1)).isEqualTo("halt " + (line.contains("exit=74") ? 74 : 70));
  }

  @Test
  void aCommitBeyondTheDurableIndexHaltsAsAStorageFailure() throws Exception {
    fence().driverFailed(DriverFailure.COMMIT_BEYOND_DURABLE, new IllegalStateException("reason=commit-beyond-durable"));
    assertThat(halted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events).containsExactly("stop pings", "halt " + NodeFence.EXIT_STORAGE_FAILED);
    assertThat(logged.list.get(0).getFormattedMessage())
        .startsWith("node=7 reason=commit-beyond-durable action=halt exit=74");
  }

  @Test
  void aBugOnTheDriverThreadHaltsWithItsOwnStatus() throws Exception {
    fence().driverFailed(DriverFailure.LOOP_FAILED, new NullPointerException());
    assertThat(halted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events).containsExactly("stop pings", "halt " + NodeFence.EXIT_DRIVER_FAILED);
    assertThat(NodeFence.EXIT_DRIVER_FAILED).isNotEqualTo(NodeFence.EXIT_STORAGE_FAILED);
  }
}
