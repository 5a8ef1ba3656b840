package io.chronik.pipeline.simulation;

import io.chronik.pipeline.commit.DurableSync;
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
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.storage.CrashPolicy;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.SimulatedDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One simulated broker node: a production {@link RaftDriver} (never started: the simulation calls
 * {@code tick} and {@code runOnce}) over {@link RaftNodeGroup}s on {@link DurableLogStorage}, all on
 * one {@link SimulatedDisk} that outlives the process. A crash throws the driver, groups and
 * completion registry away and keeps only what the disk made durable; a restart rebuilds everything
 * from the disk, as a broker process does.
 */
final class SimNode {
  private final int id;
  private final SwarmParams params;
  private final long seed;
  private final SimulatedDisk disk = new SimulatedDisk();
  private final ClientOracle oracle;
  private final SimTrace trace;
  private final SimNetwork network;
  private final LongSupplier clock;
  private final List<DurableLogStorage> storages = new ArrayList<>();
  private final List<SimGroup> groups = new ArrayList<>();
  private RaftDriver<GroupMessage> driver;
  private InFlightLimit inFlight;
  private int incarnation;
  private boolean up;
  private String failure;
  private long syncs;
  /** Scheduling state owned by the event loop. */
  long nextTickAt;
  long nextLoopAt;
  long restartAt = Long.MAX_VALUE;
  boolean slow;

  SimNode(int id, SwarmParams params, long seed, ClientOracle oracle, SimTrace trace, SimNetwork network,
      LongSupplier clock) {
    this.id = id;
    this.params = params;
    this.seed = seed;
    this.oracle = oracle;
    this.trace = trace;
    this.network = network;
    this.clock = clock;
  }

  private Path directory(int group) {
    return Path.of("/node-" + id, "group-" + group);
  }

  /** Opens (or reopens after a crash) every group's storage from the disk. */
  private void openStorages() {
    storages.clear();
    for (int g = 0; g < params.groups(); g++) {
      try {
        storages.add(DurableLogStorage.open(disk, directory(g), params.logConfig(), e -> LogEntry.NO_KEY, false));
      } catch (IOException e) {
        throw new UncheckedIOException("node=" + id + " group=" + g + " reason=reopen-failed", e);
      }
    }
  }

  /** Starts the node process: a new driver and groups over the storages on disk. */
  void start() {
    if (storages.isEmpty()) {
      openStorages();
    }
    incarnation++;
    failure = null;
    groups.clear();
    List<DrivenGroup<GroupMessage>> driven = new ArrayList<>();
    Configuration members = Configuration.of(memberIds());
    for (int g = 0; g < params.groups(); g++) {
      RaftNode node = new RaftNode(id, storages.get(g), members, params.options(),
          new SplittableRandom(seed * 1_000_003L + id * 7919L + g * 131L + incarnation));
      SimGroup group = new SimGroup(g, node, storages.get(g));
      groups.add(group);
      driven.add(group);
      oracle.restarted(id, g, storages.get(g), group);
    }
    inFlight = new InFlightLimit(4096);
    CompletionRegistry registry = new CompletionRegistry(params.groups(), inFlight);
    DurableSync sync = this::syncAll;
    driver = new RaftDriver<>(new DriverConfig(params.nodes(), 1024, 4096, 256, 1_000_000), driven, sync,
        new Transport(), (group, ready) -> oracle.applied(id, group.groupId(),
            RaftNodeGroup.coreReady(ready).committedEntries()),
        registry, new PipelineMetrics(), RaftNodeGroup::groupOf, (reason, cause) -> {
          failure = reason.key() + (cause == null ? "" : " cause=" + cause);
        });
    up = true;
    trace.record(clock.getAsLong(), id, "start", "incarnation=" + incarnation);
  }

  private List<Integer> memberIds() {
    List<Integer> ids = new ArrayList<>();
    for (int n = 0; n < params.nodes(); n++) {
      ids.add(n);
    }
    return ids;
  }

  /** The node-wide fsync barrier: every group's storage, as the broker's one sync per loop. */
  private long syncAll() {
    StringBuilder moved = null;
    for (int g = 0; g < storages.size(); g++) {
      DurableLogStorage storage = storages.get(g);
      long before = storage.durableIndex();
      storage.sync();
      if (storage.durableIndex() != before) {
        moved = (moved == null ? new StringBuilder() : moved.append(' '))
            .append("g").append(g).append(':').append(before).append("->").append(storage.durableIndex());
      }
    }
    trace.record(clock.getAsLong(), id, "disk-sync", moved);
    return ++syncs;
  }

  /** Power fails: the process dies and the disk keeps what {@code policy} lets through of unsynced work. */
  void crash(CrashPolicy policy, String why) {
    trace.record(clock.getAsLong(), id, "crash", why + (failure == null ? "" : " driverFailure=" + failure)
        + " before=[" + describeStorages() + "]");
    up = false;
    driver = null;
    groups.clear();
    disk.crash(policy);
    // what a restart will find: opened now so the oracle can count this disk's holders while it is down
    openStorages();
    trace.record(clock.getAsLong(), id, "recovered", describeStorages());
  }

  /** Per group: durable and last index (what a crash now may lose lies between them). */
  private String describeStorages() {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < storages.size(); g++) {
      DurableLogStorage storage = storages.get(g);
      sb.append(g == 0 ? "" : " ").append('g').append(g).append(":durable=").append(storage.durableIndex())
          .append("/last=").append(storage.lastIndex()).append("/commit=").append(storage.hardState().commit());
    }
    return sb.toString();
  }

  /** The next {@code operations} mutating disk operations succeed, then the power fails mid-loop. */
  void cutPowerAfter(long operations) {
    trace.record(clock.getAsLong(), id, "power-cut-armed", "afterOps=" + operations);
    disk.cutPowerAfter(operations);
  }

  void disarmPowerCut() {
    disk.cutPowerAfter(Long.MAX_VALUE);
  }

  void tick() {
    driver.tick();
  }

  /** One driver loop; false when the driver stopped (storage failure): the caller crashes the node. */
  boolean runOnce() {
    int work;
    try {
      work = driver.runOnce();
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
    for (SimGroup group : groups) {
      oracle.observe(id, group);
    }
    return true;
  }

  boolean offerInbound(GroupMessage message) {
    return driver.offerInbound(message);
  }

  /** Offers a client batch to this node's driver with one in-flight permit per append, as the pipeline does. */
  boolean offerProposal(DetachedProposal proposal) {
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

  /** Term of {@code index} if this node's disk holds it durably (would survive a crash now), else -1. */
  long durableTerm(int group, long index) {
    DurableLogStorage storage = storages.get(group);
    if (index > storage.durableIndex() || index < storage.firstIndex()) {
      return -1;
    }
    return storage.term(index);
  }

  DurableLogStorage storage(int group) {
    return storages.get(group);
  }

  SimGroup group(int group) {
    return groups.get(group);
  }

  AppendCallback callback() {
    return (cookie, groupId, status, logIndex, originalOffset, refusalCode) ->
        oracle.completed(id, incarnation, cookie, groupId, status, logIndex);
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

  String failure() {
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
