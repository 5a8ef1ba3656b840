package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.storage.CleanShutdown;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionStoresTest {
  private static final int PARTITIONS = 16;

  @TempDir
  Path dir;

  static TopicSpec topic(String name, int partitions) {
    List<TopicSpec.PartitionSpec> specs = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      specs.add(new TopicSpec.PartitionSpec(i, i + 1, List.of(0, 1, 2)));
    }
    return new TopicSpec(name, Uuid.randomUuid(), specs, Map.of());
  }

  /** Stores as a node makes them at start (taking the clean-shutdown record, if any; segments not preallocated, the default). */
  static PartitionStores stores(Path raftDir, HardStateJournal journal, int threads) throws IOException {
    return new PartitionStores(raftDir, LogConfig.defaults().withSegmentBytes(1 << 20).withPreallocate(false),
        BrokerConfig.parse(new Properties()), journal, threads, CleanShutdownRecord.take(raftDir));
  }

  /** Writes {@code entries} entries naming their partition into every partition's log, durably. */
  static void fill(PartitionStores stores, TopicSpec topic, int entries) throws Exception {
    List<CompletableFuture<DurableLogStorage>> opening = stores.open(topic, topic.partitions());
    for (int p = 0; p < opening.size(); p++) {
      byte[] name = GroupDirs.partition(topic.name(), topic.partitions().get(p)).getBytes(StandardCharsets.UTF_8);
      try (DurableLogStorage storage = opening.get(p).join()) {
        List<Entry> batch = new ArrayList<>();
        for (int i = 1; i <= entries; i++) {
          batch.add(new Entry(i, 1, EntryType.NORMAL, name));
        }
        storage.append(batch);
        storage.sync();
      }
    }
  }

  @Test
  void opensEveryReplicaOnThePoolAndAnswersInTheOrderAsked() throws Exception {
    Path raftDir = dir.resolve("raft");
    TopicSpec topic = topic("t", PARTITIONS);
    try (HardStateJournal journal = HardStateJournal.open(new NioDisk(), raftDir);
        PartitionStores stores = stores(raftDir, journal, 4)) {
      fill(stores, topic, 3);
      List<CompletableFuture<DurableLogStorage>> reopened = stores.open(topic, topic.partitions());
      assertThat(reopened).hasSize(PARTITIONS);
      for (int i = 0; i < PARTITIONS; i++) {
        try (DurableLogStorage storage = reopened.get(i).join()) {
          String expected = GroupDirs.partition("t", topic.partitions().get(i));
          assertThat(storage.lastIndex()).isEqualTo(3);
          assertThat(new String(storage.entries(1, 2, Long.MAX_VALUE).get(0).payload(), StandardCharsets.UTF_8))
              .as("partition %d's future holds its own log", i).isEqualTo(expected);
        }
      }
    }
  }

  /** Writes the record a clean stop of a node hosting {@code topic}'s replicas writes. */
  static void recordCleanShutdown(Path raftDir, TopicSpec topic) throws IOException {
    List<String> names = new ArrayList<>();
    topic.partitions().forEach(p -> names.add(GroupDirs.partition(topic.name(), p)));
    CleanShutdown.record(new NioDisk(), raftDir, names);
  }

  @Test
  void aCleanShutdownRecordIsTakenAtStartAndTheLogsItListsOpenWholeAndDurable() throws Exception {
    Path raftDir = dir.resolve("raft");
    TopicSpec topic = topic("t", PARTITIONS);
    try (HardStateJournal journal = HardStateJournal.open(new NioDisk(), raftDir)) {
      try (PartitionStores stores = stores(raftDir, journal, 4)) {
        fill(stores, topic, 3);
      }
      recordCleanShutdown(raftDir, topic);
      try (PartitionStores stores = stores(raftDir, journal, 4)) {
        assertThat(raftDir.resolve(CleanShutdown.FILE)).as("taken before any log opens").doesNotExist();
        for (CompletableFuture<DurableLogStorage> opening : stores.open(topic, topic.partitions())) {
          try (DurableLogStorage storage = opening.join()) {
            assertThat(storage.lastIndex()).isEqualTo(3);
            assertThat(storage.durableIndex()).isEqualTo(3);
          }
        }
      }
    }
  }

  @Test
  void aReplicaThatCannotOpenFailsAloneWithItsOwnError() throws Exception {
    Path raftDir = Files.createDirectories(dir.resolve("raft"));
    TopicSpec topic = topic("t", 8);
    // a plain file where partition 5's directory goes
    Files.writeString(raftDir.resolve(GroupDirs.partition("t", topic.partitions().get(5))), "not a directory");
    try (HardStateJournal journal = HardStateJournal.open(new NioDisk(), raftDir);
        PartitionStores stores = stores(raftDir, journal, 3)) {
      List<CompletableFuture<DurableLogStorage>> opening = stores.open(topic, topic.partitions());
      for (int i = 0; i < 8; i++) {
        if (i == 5) {
          assertThat(opening.get(i)).failsWithin(java.time.Duration.ofSeconds(30))
              .withThrowableOfType(java.util.concurrent.ExecutionException.class)
              .withCauseInstanceOf(UncheckedIOException.class);
          assertThat(opening.get(i).handle((s, e) -> e).join()).isInstanceOf(CompletionException.class);
        } else {
          opening.get(i).join().close();
        }
      }
    }
  }
}
