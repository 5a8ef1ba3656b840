package io.chronik.pipeline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Three real drivers over a loopback transport, each loop run by the test (deterministic): a proposal
 * that reaches a leader while it hands leadership off is held, not refused, and answered exactly once
 * when the transfer ends: NOT_LEADER naming the successor when it completed, proposed and committed
 * when it was abandoned. Never appended twice, never lost.
 */
class TransferHoldTest {
  private static final int NODES = 3;
  private static final int GROUP = 0;

  private final List<RaftDriver<GroupMessage>> drivers = new ArrayList<>();
  private final List<RaftNodeGroup> groups = new ArrayList<>();
  private final List<MemoryLogStorage> storages = new ArrayList<>();
  private final InFlightLimit inFlight = new InFlightLimit(1_000);
  /** Nodes cut off from the others (messages to and from them are dropped). */
  private final Set<Integer> cut = new HashSet<>();
  /** Completions in order: cookie, status, and the leader node 0 published at that moment. */
  private final List<long[]> completed = new ArrayList<>();

  private final AppendCallback record = (cookie, groupId, status, index, originalOffset, refusalCode) ->
      completed.add(new long[] {cookie, status.ordinal(), groups.get(0).leaderHint()});

  private void start() {
    for (int n = 0; n < NODES; n++) {
      MemoryLogStorage storage = new MemoryLogStorage();
      RaftNode node = new RaftNode(n, storage, Configuration.of(List.of(0, 1, 2)), RaftOptions.defaults(),
          new Random(n));
      RaftNodeGroup group = new RaftNodeGroup(GROUP, node, storage);
      groups.add(group);
      storages.add(storage);
      drivers.add(new RaftDriver<>(new DriverConfig(NODES, 64, 1024, 1024, 1_000_000), List.of(group), () -> {
        storage.sync();
        return 0;
      }, new Loopback(n), (g, ready) -> { }, new CompletionRegistry(1, inFlight), new PipelineMetrics(),
          RaftNodeGroup::groupOf, (reason, cause) -> { }));
    }
    groups.get(0).node().campaign();
    loops(20);
    assertThat(groups.get(0).roleHint()).isEqualTo(Role.LEADER);
  }

  /** Delivers from {@code from} to the other drivers' inbound queues unless either side is cut off. */
  private final class Loopback implements PeerTransport<GroupMessage> {
    private final int from;

    Loopback(int from) {
      this.from = from;
    }

    @Override
    public void send(int nodeId, List<GroupMessage> messages) {
      if (!cut.contains(nodeId) && !cut.contains(from)) {
        messages.forEach(drivers.get(nodeId)::offerInbound);
      }
    }

    @Override
    public void flush() {
      // loopback: nothing buffered
    }
  }

  private void loops(int count) {
    for (int i = 0; i < count; i++) {
      drivers.forEach(RaftDriver::runOnce);
    }
  }

  private void tickAndLoop(int ticks) {
    for (int t = 0; t < ticks; t++) {
      drivers.forEach(RaftDriver::tick);
      loops(5);
    }
  }

  /** Offers appends {@code firstCookie..} to node 0's driver as the produce pipeline would (one permit each). */
  private void propose(long firstCookie, int size) {
    for (int i = 0; i < size; i++) {
      assertThat(inFlight.tryAcquire()).isTrue();
    }
    assertThat(drivers.get(0).offerProposal(DetachedProposal.copyOf(
        new TestBatch(GROUP, size, firstCookie, Acks.ALL, record, Runnable::run)))).isTrue();
  }

  /** Node 0 leads with node 1 cut off, and starts handing leadership to node 1 (which cannot catch up yet). */
  private void transferToALaggingNode() {
    start();
    cut.add(1);
    propose(100, 2);
    loops(10);
    assertThat(completed).extracting(c -> c[1]).containsExactly((long) AppendStatus.SUCCESS.ordinal(),
        (long) AppendStatus.SUCCESS.ordinal());
    completed.clear();
    assertThat(drivers.get(0).offerTask(() -> groups.get(0).node().transferLeadership(1))).isTrue();
    loops(3);
    assertThat(groups.get(0).transferring()).isTrue();
    propose(200, 3);
    propose(300, 1);
    loops(10);
    assertThat(completed).as("held while the transfer runs, not refused").isEmpty();
    assertThat(drivers.get(0).proposalsHeldDuringTransfer()).isEqualTo(2);
  }

  private long copies(int node, long cookie) {
    MemoryLogStorage s = storages.get(node);
    return s.entries(s.firstIndex(), s.lastIndex() + 1, Long.MAX_VALUE).stream().map(Entry::payload)
        .filter(p -> p.length >= 8 && ByteBuffer.wrap(p).getLong(0) == cookie).count();
  }

  @Test
  void aProduceHeldDuringACompletedTransferIsAnsweredNotLeaderNamingTheSuccessorAndNeverAppended() {
    transferToALaggingNode();
    cut.clear();
    tickAndLoop(3); // a heartbeat round: node 1 catches up, gets TimeoutNow, wins at once
    loops(20);
    assertThat(groups.get(1).roleHint()).isEqualTo(Role.LEADER);
    assertThat(completed).extracting(c -> c[0]).containsExactly(200L, 201L, 202L, 300L);
    assertThat(completed).extracting(c -> c[1]).containsOnly((long) AppendStatus.NOT_LEADER.ordinal());
    assertThat(completed).extracting(c -> c[2]).as("the answer can name the new leader").containsOnly(1L);
    for (int n = 0; n < NODES; n++) {
      for (long cookie : new long[] {200, 201, 202, 300}) {
        assertThat(copies(n, cookie)).as("node %d cookie %d", n, cookie).isZero();
      }
    }
    assertThat(inFlight.inFlight()).isZero();
  }

  @Test
  void aProduceHeldDuringAnAbandonedTransferIsProposedInOrderAndCommittedOnce() {
    transferToALaggingNode();
    // node 1 stays cut off: the core abandons the transfer after an election timeout and leads on
    tickAndLoop(2 * RaftOptions.defaults().electionTicks());
    assertThat(groups.get(0).roleHint()).isEqualTo(Role.LEADER);
    assertThat(groups.get(0).transferring()).isFalse();
    assertThat(completed).extracting(c -> c[0]).containsExactly(200L, 201L, 202L, 300L);
    assertThat(completed).extracting(c -> c[1]).containsOnly((long) AppendStatus.SUCCESS.ordinal());
    for (long cookie : new long[] {200, 201, 202, 300}) {
      assertThat(copies(0, cookie)).as("leader cookie %d", cookie).isEqualTo(1);
      assertThat(copies(2, cookie)).as("follower cookie %d", cookie).isEqualTo(1);
    }
    assertThat(inFlight.inFlight()).isZero();
  }

  @Test
  void proposalsStillHeldWhenTheDriverClosesCompleteShutdown() {
    transferToALaggingNode();
    drivers.forEach(RaftDriver::close);
    assertThat(completed).extracting(c -> c[0]).containsExactly(200L, 201L, 202L, 300L);
    assertThat(completed).extracting(c -> c[1]).containsOnly((long) AppendStatus.SHUTDOWN.ordinal());
    assertThat(inFlight.inFlight()).isZero();
  }
}
