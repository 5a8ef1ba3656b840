package io.chronik.pipeline.simulation;

import io.chronik.pipeline.commit.DurableSync;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.driver.CommitApplier;
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
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One simulated node process: a production {@link RaftDriver} (never started: the event loop calls
 * {@code tick} and {@code runOnce}) over the groups a subclass opens on the node's
 * {@link SimulatedDisk}, which outlives the process. A crash throws driver, groups and completion
 * registry away and keeps only what the disk lets through; a restart rebuilds them from the disk, as a
 * broker process does. The pipeline's {@code SimNode} hosts plain Raft groups, the broker's
 * {@code SimBroker} a partition replica.
 */
public abstract class SimProcess {
  protected final int id;
  protected final long seed;
  protected final SimulatedDisk disk = new SimulatedDisk();
  protected final SimTrace trace;
  protected final LongSupplier clock;
  private final int nodes;
  private final SimNetwork network;
  private RaftDriver<GroupMessage> driver;
  private InFlightLimit inFlight;
  private int incarnation;
  private boolean up;
  /** A bit was flipped while down and the process has not reopened its disk since. */
  private boolean flipPending;
  private String failure;
  /** Proposals the drivers of earlier incarnations held during leadership transfers. */
  private long heldBefore;
  /** Scheduling state owned by the event loop. */
  long nextTickAt;
  long nextLoopAt;
  long restartAt = Long.MAX_VALUE;
  boolean slow;

  protected SimProcess(int id, int nodes, long seed, SimTrace trace, SimNetwork network, LongSupplier clock) {
    this.id = id;
    this.nodes = nodes;
    this.seed = seed;
    this.trace = trace;
    this.network = network;
    this.clock = clock;
  }

  /** Starts the process: opens (or reopens) its groups from the disk and calls {@link #startDriver}. */
  public abstract void start();

  /** Power fails: a subclass records what it had and calls {@link #powerOff}. */
  public abstract void crash(CrashPolicy policy, String why);

  /** The oracle's look at this node after a driver loop that did not stop. */
  protected abstract void observe();

  /** The directory holding this node's group directories on its disk. */
  protected abstract Path groupsRoot();

  /** After {@link #flipBitInClosedSegment} while down: what the process had opened of its disk is reopened. */
  protected void damaged() {}

  /**
   * Whether this node's disk holds damage not yet repaired and refilled: flipped while down, or a group
   * below its repair floor ({@link #belowRepairFloor}).
   */
  public final boolean repairing() {
    return flipPending || belowRepairFloor();
  }

  /** Whether a group of this node, as last opened, is below its repair floor (cut away, not yet refilled). */
  protected abstract boolean belowRepairFloor();

  /**
   * While the process is down: flips one bit of one closed segment (not among the two newest of its
   * group's directory, whose tails recovery takes for torn writes) of a random group. Returns what it
   * flipped, or null if no group has such a segment yet.
   */
  public final String flipBitInClosedSegment(SplittableRandom random) {
    try {
      List<Path> closed = new ArrayList<>();
      for (String group : disk.list(groupsRoot())) {
        if (disk.size(groupsRoot().resolve(group), -1) >= 0) {
          continue; // a file (the hard-state journal), not a group directory
        }
        List<String> segments = new ArrayList<>();
        for (String name : disk.list(groupsRoot().resolve(group))) {
          if (name.endsWith(".log")) {
            segments.add(name);
          }
        }
        Collections.sort(segments); // zero-padded base indexes: name order is index order
        for (int i = 0; i + 2 < segments.size(); i++) {
          closed.add(groupsRoot().resolve(group).resolve(segments.get(i)));
        }
      }
      if (closed.isEmpty()) {
        return null;
      }
      Path file = closed.get(random.nextInt(closed.size()));
      long size = disk.size(file);
      if (size == 0) {
        return null;
      }
      long offset = random.nextLong(size);
      int mask = 1 << random.nextInt(8);
      disk.corrupt(file, offset, mask);
      flipPending = true;
      return "file=" + file + " offset=" + offset + " mask=" + mask;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new incarnation: the seed of its groups' randomness includes it. */
  protected final int beginIncarnation() {
    failure = null;
    flipPending = false; // the subclass opens the disk now: a flip shows as a repair floor from here on
    return ++incarnation;
  }

  /** A new driver and completion registry (in-flight limit 4,096) over {@code groups}; the process is up. */
  protected final void startDriver(List<DrivenGroup<GroupMessage>> groups, DurableSync sync,
      CommitApplier<GroupMessage> applier) {
    inFlight = new InFlightLimit(4096);
    CompletionRegistry registry = new CompletionRegistry(groups.size(), inFlight);
    driver = new RaftDriver<>(new DriverConfig(nodes, 1024, 4096, 256, 1_000_000), groups, sync, new Transport(),
        applier, registry, new PipelineMetrics(), RaftNodeGroup::groupOf, (reason, cause) -> {
          failure = reason.key() + (cause == null ? "" : " cause=" + cause);
        });
    up = true;
  }

  /** The process dies ({@code detail}: what its storage held) and the disk keeps what {@code policy} lets through. */
  protected final void powerOff(CrashPolicy policy, String why, String detail) {
    trace.record(clock.getAsLong(), id, "crash", why + (failure == null ? "" : " driverFailure=" + failure)
        + " " + detail);
    up = false;
    heldBefore += driver == null ? 0 : driver.proposalsHeldDuringTransfer();
    driver = null;
    disk.crash(policy);
  }

  /** The next {@code operations} mutating disk operations succeed, then the power fails mid-loop. */
  public void cutPowerAfter(long operations) {
    trace.record(clock.getAsLong(), id, "power-cut-armed", "afterOps=" + operations);
    disk.cutPowerAfter(operations);
  }

  public void disarmPowerCut() {
    disk.cutPowerAfter(Long.MAX_VALUE);
  }

  public void tick() {
    driver.tick();
  }

  /** Runs {@code task} on the driver's loop, as the broker's shutdown and balancer do. */
  protected final boolean offerTask(Runnable task) {
    return driver.offerTask(task);
  }

  /** Proposals this process's drivers held during leadership transfers, over all its incarnations. */
  public final long heldDuringTransfers() {
    return heldBefore + (driver == null ? 0 : driver.proposalsHeldDuringTransfer());
  }

  /** One driver loop; false when the driver stopped (storage failure): the caller crashes the node. */
  public boolean runOnce() {
    int work;
    try {
      work = driver.runOnce();
    } catch (UncheckedIOException e) {
      if (disk.powerCut()) {
        // a write of the applier (a snapshot) met the power cut: production's run() stops the node (storage-failed)
        return false;
      }
      throw new SimViolation("node=" + id + " reason=driver-threw error=" + e);
    } catch (RuntimeException e) {
      // production's run() would stop the node here; an invariant the driver itself enforces broke
      throw new SimViolation("node=" + id + " reason=driver-threw error=" + e);
    }
    if (work > 0) {
      trace.record(clock.getAsLong(), id, "loop", "work=" + work);
    }
    if (driver.failed()) {
      return false;
    }
    observe();
    return true;
  }

  public boolean offerInbound(GroupMessage message) {
    return driver.offerInbound(message);
  }

  /** Offers a client's proposal to the driver with one in-flight permit per append, as the pipeline does. */
  public boolean offerProposal(DetachedProposal proposal) {
    for (int i = 0; i < proposal.size(); i++) {
      if (!inFlight.tryAcquire()) {
        inFlight.release(i);
        return false;
      }
    }
    if (!driver.offerProposal(proposal)) {
      inFlight.release(proposal.size());
      return false;
    }
    return true;
  }

  public int id() {
    return id;
  }

  public boolean up() {
    return up;
  }

  public int incarnation() {
    return incarnation;
  }

  public String failure() {
    return failure;
  }

  /** Sends go straight onto the simulated wire; nothing is buffered, so flush has nothing to do. */
  private final class Transport implements PeerTransport<GroupMessage> {
    @Override
    public void send(int nodeId, List<GroupMessage> messages) {
      long now = clock.getAsLong();
      for (GroupMessage m : messages) {
        trace.record(now, id, "send", m);
        network.send(now, id, nodeId, m);
      }
    }

    @Override
    public void flush() {
      // the wire takes messages at send
    }
  }
}
