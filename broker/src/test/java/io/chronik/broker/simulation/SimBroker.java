package io.chronik.broker.simulation;

import io.chronik.broker.replication.PartitionGroup;
import io.chronik.broker.replication.SimulatedPartition;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.driver.DetachedProposal;
import io.chronik.pipeline.driver.DrivenGroup;
import io.chronik.pipeline.driver.DriverConfig;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.PeerTransport;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.raft.storage.CrashPolicy;
import io.chronik.raft.storage.SimulatedDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One simulated broker process hosting one replica of partition t-0: a production {@link RaftDriver}
 * (never started: the simulation calls {@code tick} and {@code runOnce}) over a real
 * {@code PartitionGroup} on the node's {@link SimulatedDisk}, which outlives the process. The driver's
 * applier does what {@code ReplicatedNode}'s does (apply, which snapshots the producer table every
 * few entries) and hands the committed entries to the oracle. A crash throws driver, group and
 * completion registry away; a restart reopens the partition from the disk, as a broker process does.
 */
final class SimBroker {
  private static final Path RAFT_DIR = Path.of("/data/raft");
  private final int id;
  private final BrokerSwarm swarm;
  private final long seed;
  private final SimulatedDisk disk = new SimulatedDisk();
  private final ProduceOracle oracle;
  private final BrokerTrace trace;
  private final BrokerWire wire;
  private final LongSupplier clock;
  private final AppendCallback answers;
  private SimulatedPartition partition;
  private RaftDriver<GroupMessage> driver;
  /** Proposals held during transfers by the drivers of earlier runs of this node. */
  private long heldBefore;
  private long transfersStarted;
  private InFlightLimit inFlight;
  private int incarnation;
  private boolean up;
  private String failure;
  /** Scheduling state owned by the event loop. */
  long nextTickAt;
  long nextLoopAt;
  long restartAt = Long.MAX_VALUE;
  boolean slow;

  /** {@code answers} gets every produce completion (the simulation decides whether the client hears it). */
  SimBroker(int id, BrokerSwarm swarm, long seed, ProduceOracle oracle, BrokerTrace trace, BrokerWire wire,
      LongSupplier clock, AppendCallback answers) {
    this.id = id;
    this.swarm = swarm;
    this.seed = seed;
    this.oracle = oracle;
    this.trace = trace;
    this.wire = wire;
    this.clock = clock;
    this.answers = answers;
  }

  /** Starts the broker process: the partition reopened from the disk, a new driver and registry. */
  void start() {
    incarnation++;
    failure = null;
    List<Integer> voters = new ArrayList<>();
    for (int n = 0; n < swarm.nodes(); n++) {
      voters.add(n);
    }
    try {
      partition = SimulatedPartition.open(disk, RAFT_DIR, id, voters, swarm.options(), swarm.logConfig(),
          swarm.snapshotInterval(), new SplittableRandom(seed * 1_000_003L + id * 7919L + incarnation));
    } catch (IOException e) {
      throw new UncheckedIOException("node=" + id + " reason=reopen-failed", e);
    }
    inFlight = new InFlightLimit(4096);
    CompletionRegistry registry = new CompletionRegistry(1, inFlight);
    driver = new RaftDriver<>(new DriverConfig(swarm.nodes(), 1024, 4096, 256, 1_000_000),
        List.<DrivenGroup<GroupMessage>>of(partition.group()), partition.sync(), new Transport(), (group, ready) -> {
          partition.apply(ready);
          oracle.applied(id, RaftNodeGroup.coreReady(ready).committedEntries());
        }, registry, new PipelineMetrics(), RaftNodeGroup::groupOf, (reason, cause) -> {
          failure = reason.key() + (cause == null ? "" : " cause=" + cause);
        });
    up = true;
    oracle.restarted(id, partition);
    trace.record(clock.getAsLong(), id, "start", "incarnation=" + incarnation + " appliedIndex="
        + partition.appliedIndex() + " fromSnapshot=" + partition.openedFromSnapshot() + " producersKnown="
        + partition.producersKnown() + " logEnd=" + partition.group().logEndOffset());
  }

  /** Power fails: the process dies and the disk keeps what {@code policy} lets through of unsynced work. */
  void crash(CrashPolicy policy, String why) {
    trace.record(clock.getAsLong(), id, "crash", why + (failure == null ? "" : " driverFailure=" + failure)
        + " durable=" + partition.storage().durableIndex() + " last=" + partition.storage().lastIndex());
    up = false;
    heldBefore += driver == null ? 0 : driver.proposalsHeldDuringTransfer();
    driver = null;
    partition = null;
    disk.crash(policy);
  }

  /** The next {@code operations} mutating disk operations succeed, then the power fails mid-loop. */
  void cutPowerAfter(long operations) {
    trace.record(clock.getAsLong(), id, "power-cut-armed", "afterOps=" + operations);
    disk.cutPowerAfter(operations);
  }

  void disarmPowerCut() {
    disk.cutPowerAfter(Long.MAX_VALUE);
  }

  /**
   * If this replica leads, hands leadership to its best caught-up voter as a graceful stop or the
   * balancer does (Raft §3.10; proposals arriving meanwhile are held by the driver).
   */
  void handOff() {
    PartitionGroup group = partition.group();
    driver.offerTask(() -> { // on the driver's loop, as the broker's shutdown and balancer do
      io.chronik.pipeline.driver.Handoff h = group.handOffLeadership(voter -> true);
      trace.record(clock.getAsLong(), id, "transfer", h);
      if (h == io.chronik.pipeline.driver.Handoff.TRANSFERRING) {
        transfersStarted++;
      }
    });
  }

  /** Leadership transfers this node started, over all its restarts. */
  long transfersStarted() {
    return transfersStarted;
  }

  /** Proposals this node's drivers held during a leadership transfer, over all its restarts. */
  long heldDuringTransfers() {
    return heldBefore + (driver == null ? 0 : driver.proposalsHeldDuringTransfer());
  }

  void tick() {
    driver.tick();
  }

  /** One driver loop; false when the driver stopped (storage failure): the caller crashes the node. */
  boolean runOnce() {
    int work;
    try {
      work = driver.runOnce();
    } catch (UncheckedIOException e) {
      if (disk.powerCut()) {
        // a write of the applier (a snapshot) met the power cut: production's run() stops the node (storage-failed)
        return false;
      }
      throw new BrokerViolation("node=" + id + " error=" + e + " reason=driver-threw");
    } catch (RuntimeException e) {
      // production's run() would stop the node here; an invariant the driver itself enforces broke
      throw new BrokerViolation("node=" + id + " error=" + e + " reason=driver-threw");
    }
    if (work > 0) {
      trace.record(clock.getAsLong(), id, "loop", "work=" + work);
    }
    if (driver.failed()) {
      return false;
    }
    oracle.observe(id, partition);
    return true;
  }

  boolean offerInbound(GroupMessage message) {
    return driver.offerInbound(message);
  }

  /** Offers a produce request's batch with one in-flight permit, as the pipeline does. */
  boolean offerProposal(DetachedProposal proposal) {
    if (!inFlight.tryAcquire()) {
      return false;
    }
    if (!driver.offerProposal(proposal)) {
      inFlight.release(1);
      return false;
    }
    return true;
  }

  AppendCallback callback() {
    return answers;
  }

  SimulatedPartition partition() {
    return partition;
  }

  int id() {
    return id;
  }

  boolean up() {
    return up;
  }

  int incarnation() {
    return incarnation;
  }

  /** Sends go straight onto the simulated wire; nothing is buffered, so flush has nothing to do. */
  private final class Transport implements PeerTransport<GroupMessage> {
    @Override
    public void send(int nodeId, List<GroupMessage> messages) {
      long now = clock.getAsLong();
      for (GroupMessage m : messages) {
        trace.record(now, id, "send", m);
        wire.send(now, id, nodeId, m);
      }
    }

    @Override
    public void flush() {
      // the wire takes messages at send
    }
  }
}
