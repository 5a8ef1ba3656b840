package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.log.Entry;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose closed segment is damaged cuts the log at the damage and is refilled by a leader. The
 * cut log must not vote: three nodes, entries committed by nodes 1 and 2 while node 3 was cut off;
 * 1 and 2 stop, a byte of 2's oldest segment flips, 2 restarts repaired next to 3 while 1 stays down.
 * With the repair floor, 2 does not campaign and votes only for a candidate as up to date as its log
 * was before the damage, so no leader without the committed entries can be elected (while 1 may be, with
 * 2's vote); with a cut and no floor (how a repair worked before), the cut log takes part in an election
 * again and a leader without the committed entries (2 itself or 3) overwrites them.
 */
class RepairFromPeersTest {
  static final List<Integer> IDS = List.of(1, 2, 3);
  static final LogConfig CONFIG = new LogConfig(4096, 512, 1024, false);

  @TempDir
  Path tmp;

  final Map<Integer, DurableLogStorage> storages = new HashMap<>();
  final Map<Integer, RaftNode> nodes = new HashMap<>();
  final Deque<Message> network = new ArrayDeque<>();
  final TreeMap<Long, Entry> committed = new TreeMap<>();
  /** Applied entries that differ from what was committed at their index: lost committed entries. */
  final List<String> conflicts = new ArrayList<>();
  int isolated = -1;
  int starts;
  RaftOptions options = RaftOptions.defaults();

  @Test
  void aRepairedNodeAbstainsUntilALeaderRefilledItThenVotesAgain() throws IOException {
    long committedBefore = commitWithNode3CutOffThenDamageNode2();
    start(2, true);
    DurableLogStorage repaired = storages.get(2);
    assertThat(repaired.log().recoveryReport().repaired()).isTrue();
    assertThat(repaired.lastIndex()).as("cut at the damage").isLessThan(committedBefore);
    assertThat(repaired.repairFloorIndex()).isGreaterThanOrEqualTo(committedBefore);
    assertThat(Files.exists(dir(2).resolve(RepairFloor.FILE))).isTrue();

    rounds(400);
    assertThat(nodes.values()).as("no leader while node 1, the only complete voter, is down")
        .noneMatch(n -> n.role() == Role.LEADER);

    start(1, false);
    rounds(400);
    assertThat(nodes.get(1).role()).isEqualTo(Role.LEADER);
    assertThat(repaired.lastIndex()).as("refilled by the leader").isGreaterThanOrEqualTo(committedBefore);
    assertThat(repaired.repairFloorIndex()).as("floor cleared once durable").isZero();
    assertThat(Files.exists(dir(2).resolve(RepairFloor.FILE))).isFalse();
    assertThat(repaired.entries(1, committedBefore + 1, Long.MAX_VALUE))
        .containsExactlyElementsOf(committed.headMap(committedBefore, true).values());

    stop(1); // 2 votes again: 2 and 3 elect a leader that has everything
    rounds(400);
    assertThat(nodes.values()).anyMatch(n -> n.role() == Role.LEADER);
    assertThat(conflicts).isEmpty();
  }

  @Test
  void aRepairedNodeVotesForACandidateAsUpToDateAsItsLogWasBeforeTheDamage() throws IOException {
    long committedBefore = commitWithNode3CutOffThenDamageNode2();
    stop(3); // node 1 needs node 2's vote
    start(2, true);
    start(1, false);
    rounds(400);
    assertThat(nodes.get(1).role()).as("node 1 holds all node 2 lost: it gets its vote").isEqualTo(Role.LEADER);
    assertThat(nodes.get(2).role()).as("a node below its floor does not campaign").isEqualTo(Role.FOLLOWER);
    assertThat(storages.get(2).lastIndex()).isGreaterThanOrEqualTo(committedBefore);
    assertThat(storages.get(2).repairFloorIndex()).isZero();
    assertThat(conflicts).isEmpty();
  }

  @Test
  void aCutWithoutTheFloorLetsANodeMissingCommittedEntriesWin() throws IOException {
    commitWithNode3CutOffThenDamageNode2();
    start(2, true);
    storages.remove(2).close();
    Files.delete(dir(2).resolve(RepairFloor.FILE)); // the cut stays, the floor goes
    start(2, false);
    rounds(400);
    assertThat(nodes.values()).anyMatch(n -> n.role() == Role.LEADER);
    assertThat(conflicts).as("committed entries overwritten").isNotEmpty();
  }

  /**
   * Without pre-vote and check-quorum a follower ignores a leader of a lower term: it will stand itself and the
   * leader learns the newer term from its vote request. A node below its repair floor never stands, so it answers
   * the stale leader with its term instead; otherwise nobody would ever learn it, the leader would keep sending to
   * a node that drops everything, and the node would never be refilled (the production-path simulation's seed 938).
   */
  @Test
  void aRepairedNodeWithANewerTermTellsTheStaleLeaderSoItIsRefilled() throws IOException {
    options = RaftOptions.defaults().toBuilder().preVote(false).checkQuorum(false).build();
    for (int id : IDS) {
      start(id, false);
    }
    nodes.get(1).campaign();
    rounds(50);
    assertThat(nodes.get(1).role()).isEqualTo(Role.LEADER);
    for (int i = 0; i < 150; i++) {
      nodes.get(1).propose(("value-" + i + "-" + "x".repeat(60)).getBytes(StandardCharsets.UTF_8));
      rounds(1);
    }
    rounds(20);
    long committedBefore = committed.lastKey();
    long leaderTerm = nodes.get(1).term();
    isolated = 2;
    for (int i = 0; i < 3; i++) {
      nodes.get(2).campaign(); // cut off, it stands in vain: each try raises its term
      rounds(5);
    }
    assertThat(nodes.get(2).term()).isGreaterThan(leaderTerm);
    assertThat(nodes.get(1).role()).as("1 and 3 never heard of it").isEqualTo(Role.LEADER);
    stop(2);
    flipByteInOldestSegment(dir(2));
    start(2, true);
    assertThat(storages.get(2).lastIndex()).as("cut at the damage").isLessThan(committedBefore);
    isolated = -1;
    rounds(400);
    assertThat(storages.get(2).lastIndex()).as("refilled by a leader").isGreaterThanOrEqualTo(committedBefore);
    assertThat(storages.get(2).repairFloorIndex()).isZero();
    assertThat(nodes.values()).anyMatch(n -> n.role() == Role.LEADER);
    assertThat(conflicts).isEmpty();
  }

  @Test
  void withoutRepairTheDamagedNodeRefusesToOpen() throws IOException {
    commitWithNode3CutOffThenDamageNode2();
    assertThatThrownBy(() -> start(2, false)).isInstanceOf(CorruptLogException.class);
    assertThat(Files.exists(dir(2).resolve(RepairFloor.FILE))).isFalse();
  }

  /** Returns the last index committed while node 3 was cut off; leaves 1 and 2 stopped, 2 damaged. */
  long commitWithNode3CutOffThenDamageNode2() throws IOException {
    for (int id : IDS) {
      start(id, false);
    }
    nodes.get(1).campaign();
    rounds(50);
    assertThat(nodes.get(1).role()).isEqualTo(Role.LEADER);
    isolated = 3;
    for (int i = 0; i < 150; i++) {
      nodes.get(1).propose(("value-" + i + "-" + "x".repeat(60)).getBytes(StandardCharsets.UTF_8));
      rounds(1);
    }
    rounds(20);
    long last = committed.lastKey();
    assertThat(last).isGreaterThan(140);
    assertThat(storages.get(3).lastIndex()).as("node 3 missed them").isLessThan(10);
    stop(1);
    stop(2);
    isolated = -1;
    flipByteInOldestSegment(dir(2));
    return last;
  }

  void flipByteInOldestSegment(Path dir) throws IOException {
    Path oldest;
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> segments = files.filter(p -> p.toString().endsWith(Segment.SUFFIX)).sorted().toList();
      assertThat(segments).as("several segments").hasSizeGreaterThan(3);
      oldest = segments.get(0);
    }
    try (FileChannel channel = FileChannel.open(oldest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      long at = channel.size() / 2;
      channel.read(one, at);
      one.put(0, (byte) ~one.get(0)).rewind();
      channel.write(one, at);
      channel.force(true);
    }
  }

  Path dir(int id) {
    return tmp.resolve("node-" + id);
  }

  void start(int id, boolean repair) throws IOException {
    DurableLogStorage storage = DurableLogStorage.open(new NioDisk(), dir(id), CONFIG, e -> LogEntry.NO_KEY, repair);
    storages.put(id, storage);
    nodes.put(id, new RaftNode(id, storage, Configuration.of(IDS), options,
        new SplittableRandom(7L * id + 31L * starts++)));
  }

  void stop(int id) throws IOException {
    nodes.remove(id);
    storages.remove(id).close();
  }

  void rounds(int count) {
    for (int r = 0; r < count; r++) {
      nodes.values().forEach(RaftNode::tick);
      handleReadies();
      for (int n = network.size(); n > 0; n--) {
        Message m = network.poll();
        RaftNode to = nodes.get(m.to());
        if (to != null && m.to() != isolated && m.from() != isolated) {
          to.step(m);
        }
      }
      handleReadies();
    }
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
        network.addAll(rd.messages());
        for (Entry e : rd.committedEntries()) {
          Entry previous = committed.putIfAbsent(e.index(), e);
          if (previous != null && !previous.equals(e)) {
            conflicts.add("node=" + n.getKey() + " index=" + e.index());
          }
        }
        raft.advance(rd);
      }
    }
  }
}
