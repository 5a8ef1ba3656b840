package io.chronik.pipeline.simulation;

import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.driver.DrivenGroup;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.storage.CrashPolicy;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One simulated broker node of the pipeline simulation ({@link SimProcess}): its driver hosts
 * {@link RaftNodeGroup}s on {@code DurableLogStorage}, all on the node's one disk, synced by one
 * node-wide barrier per loop. A crash keeps only what the disk made durable; a restart rebuilds
 * storages, groups and driver from the disk.
 */
final class SimNode extends SimProcess {
  private final SwarmParams params;
  private final ClientOracle oracle;
  private final List<DurableLogStorage> storages = new ArrayList<>();
  private final List<SimGroup> groups = new ArrayList<>();
  private long syncs;

  SimNode(int id, SwarmParams params, long seed, ClientOracle oracle, SimTrace trace, SimNetwork network,
      LongSupplier clock) {
    super(id, params.nodes(), seed, trace, network, clock);
    this.params = params;
    this.oracle = oracle;
  }

  private Path directory(int group) {
    return groupsRoot().resolve("group-" + group);
  }

  @Override
  protected Path groupsRoot() {
    return Path.of("/node-" + id);
  }

  /** Opens (or reopens after a crash) every group's storage from the disk. */
  private void openStorages() {
    storages.clear();
    for (int g = 0; g < params.groups(); g++) {
      try {
        // repair=true, as the broker's storage.repair.from.peers: a bit-flipped closed segment is cut and refilled
        storages.add(DurableLogStorage.open(disk, directory(g), params.logConfig(), e -> LogEntry.NO_KEY, true));
      } catch (IOException e) {
        throw new UncheckedIOException("node=" + id + " group=" + g + " reason=reopen-failed", e);
      }
    }
  }

  /** Starts the node process: a new driver and groups over the storages on disk. */
  @Override
  public void start() {
    if (storages.isEmpty()) {
      openStorages();
    }
    int incarnation = beginIncarnation();
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
    startDriver(driven, this::syncAll, (group, ready) -> oracle.applied(id, group.groupId(),
        RaftNodeGroup.coreReady(ready).committedEntries()));
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
  @Override
  public void crash(CrashPolicy policy, String why) {
    powerOff(policy, why, "before=[" + describeStorages() + "]");
    groups.clear();
    // what a restart will find: opened now so the oracle can count this disk's holders while it is down
    openStorages();
    trace.record(clock.getAsLong(), id, "recovered", describeStorages());
  }

  /** The disk changed under the storages opened at the crash: reopen them, as the restart will. */
  @Override
  protected void damaged() {
    for (DurableLogStorage storage : storages) {
      try {
        storage.close(); // nothing is buffered after a crash
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    openStorages();
    trace.record(clock.getAsLong(), id, "recovered-after-bit-flip", describeStorages());
  }

  /** Per group: durable and last index (what a crash now may lose lies between them). */
  private String describeStorages() {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < storages.size(); g++) {
      DurableLogStorage storage = storages.get(g);
      sb.append(g == 0 ? "" : " ").append('g').append(g).append(":durable=").append(storage.durableIndex())
          .append("/last=").append(storage.lastIndex()).append("/commit=").append(storage.hardState().commit())
          .append(storage.repairFloorIndex() > 0 ? "/repairFloor=" + storage.repairFloorIndex() : "");
    }
    return sb.toString();
  }

  @Override
  protected void observe() {
    for (SimGroup group : groups) {
      oracle.observe(id, group);
    }
  }

  /** Term of {@code index} if this node's disk holds it durably (would survive a crash now), else -1. */
  long durableTerm(int group, long index) {
    DurableLogStorage storage = storages.get(group);
    if (index > storage.durableIndex() || index < storage.firstIndex()) {
      return -1;
    }
    return storage.term(index);
  }

  @Override
  protected boolean belowRepairFloor() {
    return storages.stream().anyMatch(s -> s.repairFloorIndex() > 0);
  }

  /** The group's repair floor: entries it may have acknowledged up to here were cut away with damage. */
  long repairFloor(int group) {
    return storages.get(group).repairFloorIndex();
  }

  DurableLogStorage storage(int group) {
    return storages.get(group);
  }

  SimGroup group(int group) {
    return groups.get(group);
  }

  AppendCallback callback() {
    return (cookie, groupId, status, logIndex, originalOffset, refusalCode) ->
        oracle.completed(id, incarnation(), cookie, groupId, status, logIndex);
  }
}
