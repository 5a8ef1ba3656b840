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
    }, false);
    assertThat(transport.pinged).containsExactly(1, 2);

    liveness.silence();
    liveness.pingAll(transport, task -> {
      throw new AssertionError("no ping needs the driver");
    }, false);
    assertThat(transport.pinged).containsExactly(1, 2);
  }

  @Test
  void aPeerIsAliveOnlyWhilePingsArriveAndSayItsLoopRuns() {
    PeerLiveness sender = new PeerLiveness(1, List.of(0), 8, 1_000_000_000L, 0);
    PeerLiveness receiver = new PeerLiveness(0, List.of(1), 8, 1_000_000_000L, 0);
    long window = 150_000_000L;
    assertThat(receiver.alive(1, 10, window)).as("never pinged: not alive, whatever the start grace").isFalse();

    receiver.pinged(sender.ping(0, false).message(), 1_000);
    assertThat(receiver.alive(1, 1_000 + window, window)).isTrue();
    assertThat(receiver.alive(1, 1_001 + window, window)).as("ping too old").isFalse();

    receiver.pinged(sender.ping(0, true).message(), 2_000);
    assertThat(receiver.alive(1, 2_000, window)).as("its loop stalled").isFalse();
    assertThat(receiver.mayLead(1)).isTrue();

    sender.stopping();
    receiver.pinged(sender.ping(0, false).message(), 3_000);
    assertThat(receiver.alive(1, 3_000, window)).isTrue();
    assertThat(receiver.mayLead(1)).as("stopping and alive are separate bits").isFalse();

    receiver.round(3_000 + 2_000_000_000L, peer -> true, peer -> { });
    assertThat(receiver.alive(1, 3_000, window)).as("down: silent for too long").isFalse();
  }

  @Test
  void aPeerAppliesRegistrationsOnlyOnceItsPingsSaySoAsAPreviousVersionsPingsNeverDo() {
    PeerLiveness sender = new PeerLiveness(1, List.of(0), 8, 1_000_000_000L, 0);
    PeerLiveness receiver = new PeerLiveness(0, List.of(1), 8, 1_000_000_000L, 0);
    assertThat(receiver.appliesRegistrations(1)).as("never pinged").isFalse();
    receiver.pinged(sender.ping(0, false).message(), 1_000);
    assertThat(receiver.appliesRegistrations(1)).isTrue();
    // the previous version's ping: only its stopping and stalled bits
    receiver.pinged(io.chronik.raft.message.Message.of(io.chronik.raft.message.MessageType.HEARTBEAT, 1, 0, 1).build(), 2_000);
    assertThat(receiver.appliesRegistrations(1)).as("a node still on the previous version").isFalse();
    assertThat(receiver.mayLead(1)).as("its stopping bit still read").isFalse();
  }

  @Test
  void aPeerThatCameBackIsWarmOnlyAfterTheWarmUpSinceItsReturn() {
    long second = 1_000_000_000L;
    long warmup = 10 * second;
    PeerLiveness liveness = new PeerLiveness(0, List.of(1), 8, second, 0);
    assertThat(liveness.upFor(1, warmup - 1, warmup)).as("up since this node started, not yet for the warm-up").isFalse();
    assertThat(liveness.upFor(1, warmup, warmup)).isTrue();

    liveness.round(warmup + 1, peer -> false, peer -> { }); // its connection closed: down
    assertThat(liveness.upFor(1, warmup + 2, warmup)).as("down").isFalse();
    long back = warmup + 5 * second;
    liveness.heard(1, back);
    liveness.round(back, peer -> true, peer -> { });
    assertThat(liveness.down(1)).isFalse();
    assertThat(liveness.upFor(1, back + warmup - 1, warmup)).as("cold: it came back less than the warm-up ago")
        .isFalse();
    assertThat(liveness.upFor(1, back + warmup, warmup)).isTrue();
    assertThat(liveness.upFor(1, back, 0)).as("warm-up 0: as soon as it is up").isTrue();
  }

  @Test
  void anyThreadSeesAPeerDownFromTheRoundThatFoundItDownUntilTheRoundThatFoundItBack() {
    long second = 1_000_000_000L;
    PeerLiveness liveness = new PeerLiveness(0, List.of(1, 2), 8, second, 0);
    assertThat(liveness.upAsLastSeen(1)).as("before any round: up").isTrue();
    assertThat(liveness.upAsLastSeen(0)).as("itself").isTrue();

    liveness.heard(2, 2 * second);
    liveness.round(2 * second, peer -> true, peer -> { }); // 1 silent for 2 s: down; 2 just heard
    assertThat(liveness.upAsLastSeen(1)).isFalse();
    assertThat(liveness.upAsLastSeen(2)).isTrue();
    assertThat(liveness.upAsLastSeen(0)).as("itself, always").isTrue();

    liveness.heard(1, 3 * second);
    assertThat(liveness.upAsLastSeen(1)).as("heard, but no round since").isFalse();
    liveness.round(3 * second, peer -> true, peer -> { });
    assertThat(liveness.upAsLastSeen(1)).isTrue();
  }
}
