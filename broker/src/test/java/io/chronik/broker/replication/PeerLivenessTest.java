package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.PeerTransport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PeerLivenessTest {
  /** Writes pings at once and records them, as the Netty transport's sendNow does. */
  private static final class RecordingTransport implements PeerTransport<GroupMessage> {
    final List<Integer> pinged = new CopyOnWriteArrayList<>();

    @Override
    public void send(int nodeId, List<GroupMessage> messages) {
      throw new AssertionError("pings go out with sendNow");
    }

    @Override
    public void flush() { }

    @Override
    public boolean sendNow(int nodeId, GroupMessage message) {
      assertThat(PeerLiveness.isPing(message)).isTrue();
      pinged.add(nodeId);
      return true;
    }
  }

  @Test
  void aSilencedNodePingsNobodyAgain() {
    PeerLiveness liveness = new PeerLiveness(0, List.of(1, 2), 8, 1_000_000_000L, 0);
    RecordingTransport transport = new RecordingTransport();
    liveness.pingAll(transport, task -> {
      throw new AssertionError("no ping needs the driver");
    });
    assertThat(transport.pinged).containsExactly(1, 2);

    liveness.silence();
    liveness.pingAll(transport, task -> {
      throw new AssertionError("no ping needs the driver");
    });
    assertThat(transport.pinged).containsExactly(1, 2);
  }
}
