package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.HardState;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tail invariant of {@link PartitionGroup}: offsets are contiguous, so each data entry starts at the
 * tail before it. A log on real files whose second batch skips offsets (as a leader that lost its tail
 * would write) trips the assertion when the replica accounts it; a contiguous one opens at its end.
 */
class PartitionGroupTailTest {
  @TempDir
  Path dir;
  private NodeStorageSync sync;
  private DurableLogStorage storage;

  @AfterEach
  void close() throws IOException {
    if (sync != null) {
      sync.close();
      storage.close();
    }
  }

  private PartitionGroup openWith(long... baseOffsets) throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir));
    storage = DurableLogStorage.open(new NioDisk(), dir.resolve("p0"), new LogConfig(1 << 20, 4096, 64 << 10, false),
        e -> LogEntry.NO_KEY, false, sync.journal().slot("p0"));
    for (int i = 0; i < baseOffsets.length; i++) {
      ByteBuffer batch = KafkaBatches.plain(2, 1_000L, Compression.NONE);
      BatchHeaders.assign(batch, baseOffsets[i], 1);
      storage.append(List.of(Entry.normal(i + 1, 1, copy(batch))));
    }
    storage.saveHardState(new HardState(1, 1, 0));
    sync.markDirty(storage);
    sync.sync();
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)),
        RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(1));
    return new PartitionGroup(0, new TopicPartition("t", 0), node, storage, sync);
  }

  private static byte[] copy(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(b.position(), out);
    return out;
  }

  @Test
  void aContiguousLogOpensAtItsEnd() throws IOException {
    assertThat(openWith(0, 2, 4).logEndOffset()).isEqualTo(6);
  }

  @Test
  void aBatchThatSkipsOffsetsTripsTheTailAssertion() {
    assertThatThrownBy(() -> openWith(0, 5)).isInstanceOf(AssertionError.class)
        .hasMessage("partition=t-0 index=2 base=5 tail=2 reason=offsets-not-contiguous");
  }
}
