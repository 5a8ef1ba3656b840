package io.chronik.broker.simulation;

import io.chronik.broker.replication.PartitionGroup;
import io.chronik.broker.replication.SimulatedPartition;
import io.chronik.pipeline.driver.Handoff;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.driver.DrivenGroup;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.pipeline.simulation.SimNetwork;
import io.chronik.pipeline.simulation.SimProcess;
import io.chronik.pipeline.simulation.SimTrace;
import io.chronik.raft.storage.CrashPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One simulated broker process hosting one replica of partition t-0 ({@link SimProcess}: a production
 * {@code RaftDriver}, never started, on the node's simulated disk) as a real {@code PartitionGroup}.
 * The driver's applier does what {@code ReplicatedNode}'s does (apply, which snapshots the producer
 * table every few entries and carries out retention) and hands the committed entries to the oracle. A
 * restart reopens the partition from the disk, as a broker process does.
 */
final class SimBroker extends SimProcess {
  private static final Path RAFT_DIR = Path.of("/data/raft");
  private final BrokerSwarm swarm;
  private final ProduceOracle oracle;
  private final AppendCallback answers;
  private final RetentionShape retention;
  private SimulatedPartition partition;
  private long transfersStarted;
  /** Whether the partition was below its repair floor when the process went down. */
  private boolean floorWhenDown;

  /** {@code answers} gets every produce completion (the simulation decides whether the client hears it). */
  SimBroker(int id, BrokerSwarm swarm, RetentionShape retention, long seed, ProduceOracle oracle, SimTrace trace,
      SimNetwork wire, LongSupplier clock, AppendCallback answers) {
    super(id, swarm.nodes(), seed, trace, wire, clock);
    this.swarm = swarm;
    this.retention = retention;
    this.oracle = oracle;
    this.answers = answers;
  }

  @Override
  protected Path groupsRoot() {
    return RAFT_DIR;
  }

  @Override
  protected boolean belowRepairFloor() {
    return partition == null ? floorWhenDown : partition.storage().repairFloorIndex() > 0;
  }

  /** Starts the broker process: the partition reopened from the disk, a new driver and registry. */
  @Override
  public void start() {
    int incarnation = beginIncarnation();
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
    if (retention.on()) {
      partition.retention(retention.segmentBytes(), retention.retentionBytes(), retention.catchupHoldEntries());
    }
    startDriver(List.<DrivenGroup<GroupMessage>>of(partition.group()), partition.sync(), (group, ready) -> {
      partition.apply(ready);
      var core = RaftNodeGroup.coreReady(ready);
      if (core.snapshot() != null) {
        oracle.installed(id, core.snapshot().index());
        trace.record(clock.getAsLong(), id, "installed", "snapshotIndex=" + core.snapshot().index() + " logStart="
            + partition.group().logStartOffset() + " firstIndex=" + partition.storage().firstIndex());
      }
      oracle.applied(id, core.committedEntries());
    });
    oracle.restarted(id, partition);
    trace.record(clock.getAsLong(), id, "start", "incarnation=" + incarnation + " appliedIndex="
        + partition.appliedIndex() + " fromSnapshot=" + partition.openedFromSnapshot() + " producersKnown="
        + partition.producersKnown() + " logEnd=" + partition.group().logEndOffset());
  }

  /** Power fails: the process dies and the disk keeps what {@code policy} lets through of unsynced work. */
  @Override
  public void crash(CrashPolicy policy, String why) {
    String held = "durable=" + partition.storage().durableIndex() + " last=" + partition.storage().lastIndex();
    floorWhenDown = partition.storage().repairFloorIndex() > 0; // the floor file outlives the process
    partition = null;
    powerOff(policy, why, held);
  }

  /**
   * If this replica leads, hands leadership to its best caught-up voter as a graceful stop or the
   * balancer does (Raft §3.10; proposals arriving meanwhile are held by the driver).
   */
  void handOff() {
    PartitionGroup group = partition.group();
    offerTask(() -> { // on the driver's loop, as the broker's shutdown and balancer do
      Handoff h = group.handOffLeadership(voter -> true);
      trace.record(clock.getAsLong(), id, "transfer", h);
      if (h == Handoff.TRANSFERRING) {
        transfersStarted++;
      }
    });
  }

  /** The broker's retention loop, on the driver's loop: every replica rolls, snapshots and deletes; a leader proposes. */
  void checkRetention() {
    SimulatedPartition p = partition;
    long nowMs = clock.getAsLong();
    offerTask(() -> {
      long firstIndex = p.storage().firstIndex();
      boolean proposed = p.checkRetention(nowMs);
      if (proposed || p.storage().firstIndex() != firstIndex) {
        trace.record(clock.getAsLong(), id, "retention", "proposed=" + proposed + " logStart="
            + p.group().logStartOffset() + " firstIndex=" + firstIndex + "->" + p.storage().firstIndex());
      }
    });
  }

  /** Leadership transfers this node started, over all its restarts. */
  long transfersStarted() {
    return transfersStarted;
  }

  @Override
  protected void observe() {
    oracle.observe(id, partition);
  }

  AppendCallback callback() {
    return answers;
  }

  SimulatedPartition partition() {
    return partition;
  }
}
