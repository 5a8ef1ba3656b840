package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node Raft cluster on real files: nodes are killed (unsynced appends dropped) and restarted
 * from their directories while proposals flow; no committed entry is ever lost or changed, and every
 * restarted node ends with the full committed log.
 */
class DurableRaftClusterTest {
  static final List<Integer> IDS = List.of(1, 2, 3);
  static final LogConfig CONFIG = new LogConfig(64 << 10, 1024, 16 << 10, true);
  static final long SEED = 20261128L;

  @TempDir
  Path tmp;

  final Map<Integer, DurableLogStorage> storages = new HashMap<>();
  final Map<Integer, RaftNode> nodes = new HashMap<>();
  final Deque<Message> network = new ArrayDeque<>();
  /** Every entry any node applied, by index: applied entries are committed. */
  final TreeMap<Long, Entry> committed = new TreeMap<>();
  final SplittableRandom random = new SplittableRandom(SEED);
  int restarts;
  /** Per node: null for real files (kill -9 semantics), or a simulated disk that loses power. */
  final Map<Integer, SimulatedDisk> simulatedDisks = new HashMap<>();

  void start(int id) throws IOException {
    Disk disk = simulatedDisks.containsKey(id) ? simulatedDisks.get(id) : new NioDisk();
    DurableLogStorage storage = DurableLogStorage.open(disk, tmp.resolve("node-" + id), CONFIG,
        e -> LogEntry.NO_KEY, false);
    storages.put(id, storage);
    nodes.put(id, new RaftNode(id, storage, Configuration.of(IDS), RaftOptions.defaults(),
        new SplittableRandom(SEED * 31 + id + restarts * 7L)));
  }

  void kill(int id) {
    nodes.remove(id);
    storages.remove(id).abandon();
    SimulatedDisk disk = simulatedDisks.get(id);
    if (disk != null) { // power loss: unsynced bytes and names are lost, partly kept or torn
      disk.crash(CrashPolicy.random(new java.util.Random(random.nextLong())));
    }
    restarts++;
  }

  void handleReadies() {
    for (Map.Entry<Integer, RaftNode> n : nodes.entrySet()) {
      RaftNode raft = n.getValue();
      while (raft.hasReady()) {
        Ready rd = raft.ready();
        DurableLogStorage storage = storages.get(n.getKey());
        rd.snapshotChunks().forEach(storage::persistSnapshotChunk);
        if (rd.snapshot() != null) {
          storage.installReceivedSnapshot(rd.snapshot());
        }
        storage.append(rd.entries());
        if (rd.hardState() != null) {
          storage.saveHardState(rd.hardState());
        }
        storage.sync();
        assertThat(storage.durableIndex()).isEqualTo(storage.lastIndex());
        network.addAll(rd.messages());
        for (Entry e : rd.committedEntries()) {
          Entry previous = committed.putIfAbsent(e.index(), e);
          assertThat(previous == null || previous.equals(e))
              .as("node=%d index=%d applied %s but %s was committed", n.getKey(), e.index(), e, previous)
              .isTrue();
        }
        raft.advance(rd);
      }
    }
  }

  void deliver() {
    for (int n = network.size(); n > 0; n--) {
      Message m = network.poll();
      RaftNode to = nodes.get(m.to());
      if (to != null && random.nextInt(50) != 0) { // a little loss too
        to.step(m);
      }
    }
  }

  void round(boolean propose) {
    for (RaftNode raft : nodes.values()) {
      raft.tick();
    }
    if (propose) {
      for (RaftNode raft : nodes.values()) {
        if (raft.role() == Role.LEADER) {
          raft.propose(("value-" + random.nextLong()).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    handleReadies();
    deliver();
    handleReadies();
  }

  @Test
  void nodesKilledOnRealFilesNeverLoseCommittedEntries() throws IOException {
    runWithRestarts();
  }

  @Test
  void nodesLosingPowerOnSimulatedDisksNeverLoseCommittedEntries() throws IOException {
    for (int id : IDS) {
      simulatedDisks.put(id, new SimulatedDisk());
    }
    runWithRestarts();
  }

  void runWithRestarts() throws IOException {
    for (int id : IDS) {
      start(id);
    }
    for (int r = 0; r < 1500; r++) {
      if (r % 150 == 75) {
        int victim = IDS.get(random.nextInt(IDS.size()));
        kill(victim);
        for (int down = 0; down < 20; down++) {
          round(true);
        }
        start(victim);
      }
      round(r % 2 == 0);
    }
    // Heal: keep going without faults until everyone holds everything committed.
    long target = committed.lastKey();
    for (int r = 0; r < 400 && !allCaughtUp(target); r++) {
      round(false);
    }
    assertThat(restarts).isGreaterThanOrEqualTo(9);
    assertThat(target).as("entries committed").isGreaterThan(200);
    for (int id : IDS) {
      DurableLogStorage storage = storages.get(id);
      assertThat(storage.lastIndex()).as("node=%d", id).isGreaterThanOrEqualTo(target);
      List<Entry> log = storage.entries(1, target + 1, Long.MAX_VALUE);
      for (Entry e : log) {
        assertThat(e).as("node=%d index=%d", id, e.index()).isEqualTo(committed.get(e.index()));
      }
    }
    // And across a restart of the whole cluster from disk.
    for (int id : IDS) {
      storages.get(id).close();
      nodes.remove(id);
      start(id);
      assertThat(storages.get(id).entries(1, target + 1, Long.MAX_VALUE))
          .filteredOn(e -> e.type() == EntryType.NORMAL)
          .hasSize((int) committed.values().stream().filter(e -> e.type() == EntryType.NORMAL).count());
    }
  }

  boolean allCaughtUp(long target) {
    return nodes.values().stream().allMatch(n -> n.commitIndex() >= target)
        && storages.values().stream().allMatch(s -> s.lastIndex() >= target);
  }
}
