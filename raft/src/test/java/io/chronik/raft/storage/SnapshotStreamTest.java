package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.Entry;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catch-up by a streamed snapshot in a three-node cluster on real files: a follower cut off while the
 * others compacted their logs gets the leader's image in chunks written to its disk, with at most a window
 * of unacknowledged bytes in flight; a connection dropped in the middle resumes where the follower's disk
 * holds the image instead of starting over; damaged chunks are refused and sent again.
 */
class SnapshotStreamTest {
  private static final List<Integer> IDS = List.of(1, 2, 3);
  private static final LogConfig CONFIG = new LogConfig(64 << 10, 1024, 16 << 10, true);
  private static final int CHUNK_BYTES = 4096;
  private static final long WINDOW_BYTES = 32 << 10;
  private static final RaftOptions OPTIONS = RaftOptions.defaults().toBuilder().snapshotChunkBytes(CHUNK_BYTES)
      .snapshotWindowBytes(WINDOW_BYTES).build();

  @TempDir
  Path tmp;

  private final Map<Integer, DurableLogStorage> storages = new HashMap<>();
  private final Map<Integer, RaftNode> nodes = new HashMap<>();
  private final Deque<Message> network = new ArrayDeque<>();
  private Predicate<Message> drop = m -> false;
  /** Applied to every message as it is delivered (a faulty link), identity by default. */
  private java.util.function.UnaryOperator<Message> link = m -> m;
  /** Per leader-follower pair: end of the image bytes sent, and the follower's last reported status. */
  private long sentEnd;
  private long reported;
  private long maxInFlight;
  private int chunksDelivered;

  private void start(int id) throws IOException {
    DurableLogStorage storage = DurableLogStorage.open(new NioDisk(), tmp.resolve("node-" + id), CONFIG,
        e -> LogEntry.NO_KEY, false).shipRetainedEntries();
    storages.put(id, storage);
    nodes.put(id, new RaftNode(id, storage, Configuration.of(IDS), OPTIONS, new SplittableRandom(7 + id)));
  }

  private void handleReadies() {
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
        raft.advance(rd);
      }
    }
  }

  private void deliver() {
    for (int budget = 100_000; !network.isEmpty() && budget > 0; budget--) {
      Message m = link.apply(network.poll());
      if (drop.test(m) || !nodes.containsKey(m.to())) {
        continue;
      }
      if (m.type() == MessageType.SNAPSHOT) {
        sentEnd = Math.max(sentEnd, m.chunkOffset() + m.chunk().length - 4);
        chunksDelivered++;
      } else if (m.type() == MessageType.SNAPSHOT_STATUS) {
        reported = m.index();
      }
      maxInFlight = Math.max(maxInFlight, sentEnd - reported);
      nodes.get(m.to()).step(m);
      handleReadies();
    }
  }

  private void round() {
    nodes.values().forEach(RaftNode::tick);
    handleReadies();
    deliver();
  }

  private int leader() {
    for (int i = 0; i < 500; i++) {
      for (RaftNode n : nodes.values()) {
        if (n.role() == Role.LEADER) {
          return n.id();
        }
      }
      round();
    }
    throw new AssertionError("no leader elected");
  }

  /**
   * Elects a leader, cuts {@code follower} off, commits about 600 KiB and snapshots and compacts the
   * others twice, so the follower can only catch up by snapshot. Returns the leader.
   */
  private int compactedWithoutFollower() throws IOException {
    for (int id : IDS) {
      start(id);
    }
    int leader = leader();
    int follower = leader == 3 ? 2 : 3;
    drop = m -> m.to() == follower || m.from() == follower;
    SplittableRandom random = new SplittableRandom(11);
    for (int batch = 0; batch < 60; batch++) {
      List<byte[]> payloads = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        byte[] payload = new byte[512 + random.nextInt(1024)];
        random.nextBytes(payload);
        payloads.add(payload);
      }
      nodes.get(leader).propose(payloads);
      round();
      if (batch == 30 || batch == 59) {
        for (int id : IDS) {
          if (id != follower) {
            RaftNode node = nodes.get(id);
            storages.get(id).createSnapshot(node.snapshotMetaAt(node.appliedIndex()), ("state@" + batch).getBytes());
          }
        }
      }
    }
    for (int id : IDS) {
      if (id != follower) {
        storages.get(id).compact(storages.get(id).snapshotMeta().index());
      }
    }
    assertThat(storages.get(leader).firstIndex()).isGreaterThan(storages.get(follower).lastIndex() + 1);
    return leader;
  }

  private int followerOf(int leader) {
    return leader == 3 ? 2 : 3;
  }

  private void catchUp(int leader, int follower, int maxRounds) {
    for (int i = 0; i < maxRounds && !caughtUp(leader, follower); i++) {
      round();
    }
    assertThat(caughtUp(leader, follower)).as("caught up").isTrue();
  }

  private boolean caughtUp(int leader, int follower) {
    return storages.get(follower).snapshotMeta().equals(storages.get(leader).snapshotMeta())
        && storages.get(follower).lastIndex() == storages.get(leader).lastIndex();
  }

  private void assertSameLog(int leader, int follower) {
    DurableLogStorage l = storages.get(leader);
    DurableLogStorage f = storages.get(follower);
    assertThat(f.snapshotData()).isEqualTo(l.snapshotData());
    assertThat(f.firstIndex()).isEqualTo(l.firstIndex());
    List<Entry> expected = l.entries(l.firstIndex(), l.lastIndex() + 1, Long.MAX_VALUE);
    assertThat(f.entries(f.firstIndex(), f.lastIndex() + 1, Long.MAX_VALUE)).isEqualTo(expected);
    assertThat(tmp.resolve("node-" + follower).resolve(ImagePart.PART_FILE)).doesNotExist();
    assertThat(tmp.resolve("node-" + follower).resolve(ImageInstall.INSTALL_FILE)).doesNotExist();
  }

  @Test
  void aCutOffFollowerGetsTheImageInChunksOnDiskWithinTheWindow() throws IOException {
    int leader = compactedWithoutFollower();
    int follower = followerOf(leader);
    long imageBytes = storages.get(leader).snapshotImage().length;
    assertThat(imageBytes).isGreaterThan(8 * WINDOW_BYTES);
    drop = m -> false;
    catchUp(leader, follower, 2_000);
    assertSameLog(leader, follower);
    assertThat(nodes.get(leader).snapshotBytesSent()).isEqualTo(imageBytes);
    assertThat(maxInFlight).as("unacknowledged bytes").isLessThanOrEqualTo(WINDOW_BYTES + CHUNK_BYTES);
    assertThat(chunksDelivered).isGreaterThan((int) (imageBytes / CHUNK_BYTES));
  }

  @Test
  void aTransferDroppedHalfwayResumesFromWhatTheFollowerHolds() throws IOException {
    int leader = compactedWithoutFollower();
    int follower = followerOf(leader);
    long imageBytes = storages.get(leader).snapshotImage().length;
    // the link to the follower goes down once the follower holds more than half the image
    drop = m -> storages.get(follower).snapshotBytesReceived(storages.get(leader).snapshotMeta()) > imageBytes / 2
        && (m.to() == follower || m.from() == follower);
    for (int i = 0; i < 500 && storages.get(follower).snapshotBytesReceived(storages.get(leader).snapshotMeta()) == 0
        || i < 50; i++) {
      round();
    }
    long held = storages.get(follower).snapshotBytesReceived(storages.get(leader).snapshotMeta());
    assertThat(held).isGreaterThan(imageBytes / 2).isLessThan(imageBytes);
    drop = m -> false;
    catchUp(leader, follower, 2_000);
    assertSameLog(leader, follower);
    assertThat(nodes.get(leader).snapshotsSent()).as("transfers").isGreaterThanOrEqualTo(2);
    assertThat(nodes.get(leader).snapshotBytesSent()).as("bytes sent")
        .isLessThan(imageBytes + imageBytes / 2 + WINDOW_BYTES);
  }

  @Test
  void aFollowerRestartedMidTransferResumesFromItsDisk() throws IOException {
    int leader = compactedWithoutFollower();
    int follower = followerOf(leader);
    long imageBytes = storages.get(leader).snapshotImage().length;
    drop = m -> storages.get(follower).snapshotBytesReceived(storages.get(leader).snapshotMeta()) > imageBytes / 2
        && (m.to() == follower || m.from() == follower);
    for (int i = 0; i < 50; i++) {
      round();
    }
    nodes.remove(follower);
    storages.remove(follower).close();
    start(follower);
    long held = storages.get(follower).snapshotBytesReceived(storages.get(leader).snapshotMeta());
    assertThat(held).as("held after restart").isGreaterThan(0).isLessThan(imageBytes);
    drop = m -> false;
    catchUp(leader, follower, 2_000);
    assertSameLog(leader, follower);
    assertThat(nodes.get(leader).snapshotBytesSent()).isLessThan(2 * imageBytes);
  }

  @Test
  void damagedChunksAreRefusedAndSentAgain() throws IOException {
    int leader = compactedWithoutFollower();
    int follower = followerOf(leader);
    drop = m -> false;
    int[] damaged = {0};
    link = m -> {
      if (m.type() != MessageType.SNAPSHOT || m.chunk().length < 100 || damaged[0] >= 5 || m.chunkOffset() % 3 != 0) {
        return m;
      }
      damaged[0]++;
      byte[] chunk = m.chunk().clone();
      chunk[50] ^= 0x01;
      return Message.of(MessageType.SNAPSHOT, m.from(), m.to(), m.term()).snapshot(m.snapshot(), m.chunkOffset(), chunk,
          m.lastChunk()).context(m.context()).build();
    };
    catchUp(leader, follower, 2_000);
    assertThat(damaged[0]).isEqualTo(5);
    assertSameLog(leader, follower);
    assertThat(storages.get(follower).snapshotImagesRefused()).isZero();
  }

  @Test
  void aLossyLinkLosingChunksAndStatusesStillDeliversTheImageWithoutStartingOver() throws IOException {
    int leader = compactedWithoutFollower();
    int follower = followerOf(leader);
    long imageBytes = storages.get(leader).snapshotImage().length;
    SplittableRandom loss = new SplittableRandom(5);
    drop = m -> (m.type() == MessageType.SNAPSHOT || m.type() == MessageType.SNAPSHOT_STATUS) && loss.nextInt(20) == 0;
    catchUp(leader, follower, 5_000);
    assertSameLog(leader, follower);
    assertThat(nodes.get(leader).snapshotBytesSent()).as("bytes sent").isLessThan(2 * imageBytes);
  }
}
