package io.chronik.pipeline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The measurement behind docs/STORAGE.md "Installing off the driver thread": two drivers over a loopback
 * transport, real files. Node 0 leads group 0, whose log (about {@value #IMAGE_MIB} MiB) was compacted, so
 * node 1 catches up by snapshot; node 1 also leads group 1 (one voter), which commits a small entry every
 * millisecond. While node 1's group 0 is parked (its image checked, then its entries staged) node 1's loop
 * keeps turning and group 1 keeps committing; the figures are printed, not asserted beyond "it turned".
 */
@Tag("integration")
class ImageInstallBesideOtherGroupsTest {
  private static final int IMAGE_MIB = Integer.getInteger("image.mib", 128);
  private static final int ENTRY_BYTES = 64 << 10;
  private static final Configuration PAIR = Configuration.of(List.of(0, 1));

  @TempDir
  Path tmp;

  private final List<RaftDriver<GroupMessage>> drivers = new ArrayList<>();
  private final List<DurableLogStorage> storages = new ArrayList<>();
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() throws IOException {
    timers.shutdownNow();
    drivers.forEach(RaftDriver::close);
    for (DurableLogStorage s : storages) {
      s.close();
    }
  }

  /** Node 0's group 0: {@code entries} of {@value #ENTRY_BYTES} bytes, snapshotted at the end, the first 1/8 compacted. */
  private DurableLogStorage leaderLog(long entries) throws IOException {
    DurableLogStorage s = DurableLogStorage.open(new NioDisk(), tmp.resolve("n0/g0"),
        LogConfig.defaults().withSegmentBytes(16 << 20), Entry::index, false).shipRetainedEntries();
    byte[] payload = new byte[ENTRY_BYTES];
    new Random(1).nextBytes(payload);
    for (long i = 1; i <= entries; i += 64) {
      List<Entry> batch = new ArrayList<>();
      for (long k = i; k < Math.min(i + 64, entries + 1); k++) {
        byte[] p = payload.clone();
        p[0] = (byte) k; // distinct entries without generating random bytes for each
        batch.add(Entry.normal(k, 1, p));
      }
      s.append(batch);
    }
    s.sync();
    SnapshotMeta meta = new SnapshotMeta(entries, 1, PAIR);
    s.createSnapshot(meta, "state".getBytes());
    s.createSnapshot(meta, "state".getBytes()); // the fallback too: compaction may pass the old one
    s.compact(entries / 8);
    s.saveHardState(new HardState(1, RaftNode.NONE, entries)); // the node starts in the term of its entries
    s.sync();
    return s;
  }

  private RaftDriver<GroupMessage> driver(List<DrivenGroup<GroupMessage>> groups, List<DurableLogStorage> synced,
      CommitApplier<GroupMessage> applier) {
    DriverConfig config = new DriverConfig(2, 1024, 65536, 4096, 1_000_000);
    AtomicLong passes = new AtomicLong();
    RaftDriver<GroupMessage> driver = new RaftDriver<>(config, groups, () -> {
      synced.forEach(DurableLogStorage::sync);
      return passes.incrementAndGet();
    }, new PeerTransport<>() {
      @Override
      public void send(int nodeId, List<GroupMessage> messages) {
        messages.forEach(drivers.get(nodeId)::offerInbound);
      }

      @Override
      public void flush() {
        // loopback: nothing buffered
      }
    }, applier, new CompletionRegistry(2, new InFlightLimit(1024)), new PipelineMetrics(), RaftNodeGroup::groupOf,
        (reason, cause) -> { });
    drivers.add(driver);
    return driver;
  }

  /** Times the driver's own share of each persist (for an image: applying the worker's result). */
  private static final class TimedGroup extends RaftNodeGroup {
    final AtomicLong longestPersistNanos = new AtomicLong();

    TimedGroup(int groupId, RaftNode node, DurableLogStorage storage) {
      super(groupId, node, storage);
    }

    @Override
    public void persist(GroupReady<GroupMessage> ready) {
      long started = System.nanoTime();
      super.persist(ready);
      longestPersistNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
    }
  }

  @Test
  void anotherGroupKeepsCommittingWhileALargeImageIsCheckedAndInstalled() throws Exception {
    long entries = (long) IMAGE_MIB * 8 / 7 * (1 << 20) / ENTRY_BYTES;
    long built = System.nanoTime();
    DurableLogStorage leader = leaderLog(entries);
    storages.add(leader);
    DurableLogStorage follower = DurableLogStorage.open(new NioDisk(), tmp.resolve("n1/g0"),
        LogConfig.defaults().withSegmentBytes(16 << 20), Entry::index, false).shipRetainedEntries();
    storages.add(follower);
    System.out.printf("leader log built: entries=%d firstIndex=%d ms=%d%n", entries, leader.firstIndex(),
        (System.nanoTime() - built) / 1_000_000);
    RaftOptions options = RaftOptions.defaults().toBuilder().snapshotChunkBytes(1 << 20)
        .snapshotWindowBytes(16L << 20).build();
    RaftNode leaderNode = new RaftNode(0, leader, PAIR, options, new Random(1));
    RaftNode followerNode = new RaftNode(1, follower, PAIR, options, new Random(2));
    MemoryLogStorage soloLog = new MemoryLogStorage();
    RaftNode soloNode = new RaftNode(1, soloLog, Configuration.of(List.of(1)), options, new Random(3));
    AtomicLong soloCommit = new AtomicLong();
    driver(List.of(new RaftNodeGroup(0, leaderNode, leader)), List.of(leader), (g, r) -> { });
    TimedGroup installing = new TimedGroup(0, followerNode, follower);
    RaftDriver<GroupMessage> node1 = driver(List.of(installing,
        new RaftNodeGroup(1, soloNode, soloLog)), List.of(follower), (g, r) -> {
          if (g.groupId() == 1 && r.committedIndex() > 0) {
            soloCommit.set(r.committedIndex());
          }
        });
    for (RaftDriver<GroupMessage> d : drivers) {
      d.start(r -> new Thread(r, "raft-driver-" + drivers.indexOf(d)));
    }
    timers.scheduleAtFixedRate(() -> drivers.forEach(RaftDriver::tick), 10, 10, TimeUnit.MILLISECONDS);
    timers.scheduleAtFixedRate(() -> node1.offerTask(() -> {
      if (soloNode.role() == Role.LEADER) {
        soloNode.propose(List.of(new byte[100]));
      }
    }), 1, 1, TimeUnit.MILLISECONDS);

    // sample node 1 every 100 µs until its group 0 was parked twice (check, install) and is back
    long parkedNanos = 0;
    long loopsWhileParked = 0;
    long commitsWhileParked = 0;
    long longestCommitGapWhileParkedNanos = 0;
    long longestLoopWhileParkedNanos = 0;
    List<Long> windowsMs = new ArrayList<>();
    long windowStart = 0;
    long lastCommitChange = System.nanoTime();
    long lastSample = System.nanoTime();
    long lastLoops = node1.loops();
    long lastCommit = soloCommit.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (node1.groupsParked() < 2 || node1.groupsParkedNow() > 0) {
      assertThat(System.nanoTime()).as("install before deadline").isLessThan(deadline);
      LockSupport.parkNanos(100_000);
      long now = System.nanoTime();
      boolean parked = node1.groupsParkedNow() > 0;
      long loops = node1.loops();
      long commit = soloCommit.get();
      if (commit != lastCommit) {
        lastCommitChange = now;
      }
      if (parked && windowStart == 0) {
        windowStart = now;
      } else if (!parked && windowStart != 0) {
        windowsMs.add((now - windowStart) / 1_000_000);
        windowStart = 0;
      }
      if (parked) {
        longestLoopWhileParkedNanos = Math.max(longestLoopWhileParkedNanos, now - node1.loopStartedNanos());
        parkedNanos += now - lastSample;
        loopsWhileParked += loops - lastLoops;
        commitsWhileParked += commit - lastCommit;
        longestCommitGapWhileParkedNanos = Math.max(longestCommitGapWhileParkedNanos, now - lastCommitChange);
      }
      lastSample = now;
      lastLoops = loops;
      lastCommit = commit;
    }
    long workMs = node1.storageWorkNanos() / 1_000_000;
    if (windowStart != 0) {
      windowsMs.add((System.nanoTime() - windowStart) / 1_000_000);
    }
    System.out.printf("image-install-beside-other-groups imageMiB=%d parkedMs=%d parkedWindowsMs=%s storageWorkMs=%d "
            + "node1LoopsWhileParked=%d group1CommitsWhileParked=%d longestGroup1CommitGapWhileParkedMs=%d "
            + "longestNode1LoopSeenWhileParkedMs=%d messagesDroppedWhileParked=%d longestGroup0PersistOnDriverMs=%d%n",
        IMAGE_MIB,
        parkedNanos / 1_000_000, windowsMs, workMs, loopsWhileParked, commitsWhileParked,
        longestCommitGapWhileParkedNanos / 1_000_000, longestLoopWhileParkedNanos / 1_000_000,
        node1.messagesDroppedWhileParked(), installing.longestPersistNanos.get() / 1_000_000);
    assertThat(node1.failed()).isFalse();
    assertThat(loopsWhileParked).as("node 1's loop turned while its group 0 was parked").isPositive();
    assertThat(commitsWhileParked).as("group 1 committed while group 0 was parked").isPositive();
    long[] followerLog = new long[2];
    java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
    node1.offerTask(() -> {
      followerLog[0] = follower.snapshotMeta().index();
      followerLog[1] = follower.firstIndex();
      read.countDown();
    });
    assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(followerLog[0]).isEqualTo(entries);
    assertThat(followerLog[1]).isEqualTo(leader.firstIndex());
  }
}
