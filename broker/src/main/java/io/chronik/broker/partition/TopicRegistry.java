package io.chronik.broker.partition;

import io.chronik.raft.storage.LogConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All topics of this node. Topic metadata lives in {@code <data>/topics/<name>.properties}
 * (written atomically: temp file, fsync, rename, fsync directory); partition logs in
 * {@code <data>/logs/<topic>-<partition>/}. A topic exists iff its metadata file exists, so a
 * crash in the middle of a create or delete leaves at most orphan log directories, removed on open.
 * Not thread-safe: owned by the broker's state thread.
 */
public final class TopicRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(TopicRegistry.class);
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final Path topicsDir;
  private final Path logsDir;
  private final LogConfig logConfig;
  private final Map<String, Topic> byName = new TreeMap<>();
  private final Map<Uuid, Topic> byId = new HashMap<>();

  public TopicRegistry(Path dataDir, LogConfig logConfig) throws IOException {
    this.logConfig = logConfig;
    this.topicsDir = dataDir.resolve("topics");
    this.logsDir = dataDir.resolve("logs");
    Files.createDirectories(topicsDir);
    Files.createDirectories(logsDir);
    load();
  }

  private void load() throws IOException {
    try (Stream<Path> files = Files.list(topicsDir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String file = f.getFileName().toString();
        if (!file.endsWith(".properties")) {
          continue;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
          p.load(in);
        }
        String name = file.substring(0, file.length() - ".properties".length());
        Topic t = new Topic(name, Uuid.fromString(p.getProperty("id")));
        int count = Integer.parseInt(p.getProperty("partitions"));
        for (int i = 0; i < count; i++) {
          t.partitions.add(Partition.open(new TopicPartition(name, i), partitionDir(name, i), logConfig));
        }
        byName.put(name, t);
        byId.put(t.id(), t);
      }
    }
    try (Stream<Path> dirs = Files.list(logsDir)) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String n = d.getFileName().toString();
        int dash = n.lastIndexOf('-');
        Topic t = dash > 0 ? byName.get(n.substring(0, dash)) : null;
        if (t == null || t.partition(Integer.parseInt(n.substring(dash + 1))) == null) {
          LOG.warn("dir={} reason=orphan-partition-dir action=delete", d);
          deleteTree(d);
        }
      }
    }
  }

  /** Null if the name is legal, else the reason. */
  public static String invalidNameReason(String name) {
    if (name == null || !LEGAL_NAME.matcher(name).matches()) {
      return "topic names are 1-249 chars of [a-zA-Z0-9._-]";
    }
    if (name.equals(".") || name.equals("..")) {
      return "topic name cannot be '.' or '..'";
    }
    return null;
  }

  public Topic topic(String name) {
    return name == null ? null : byName.get(name);
  }

  public Topic topic(Uuid id) {
    return byId.get(id);
  }

  public Iterable<Topic> topics() {
    return byName.values();
  }

  public Topic create(String name, int partitions) throws IOException {
    Topic t = new Topic(name, Uuid.randomUuid());
    writeMeta(name, t.id(), partitions);
    for (int i = 0; i < partitions; i++) {
      t.partitions.add(Partition.open(new TopicPartition(name, i), partitionDir(name, i), logConfig));
    }
    byName.put(name, t);
    byId.put(t.id(), t);
    return t;
  }

  public void addPartitions(Topic t, int newCount) throws IOException {
    for (int i = t.partitions.size(); i < newCount; i++) {
      t.partitions.add(Partition.open(new TopicPartition(t.name(), i), partitionDir(t.name(), i), logConfig));
    }
    writeMeta(t.name(), t.id(), newCount);
  }

  public void delete(Topic t) throws IOException {
    Files.deleteIfExists(topicsDir.resolve(t.name() + ".properties"));
    syncDirectory(topicsDir);
    byName.remove(t.name());
    byId.remove(t.id());
    for (Partition p : t.partitions) {
      p.close();
      deleteTree(partitionDir(t.name(), p.id().partition()));
    }
  }

  public void close() {
    for (Topic t : byName.values()) {
      for (Partition p : t.partitions) {
        try {
          p.close();
        } catch (IOException e) {
          LOG.warn("partition={} reason=close-failed error={}", p.id(), e.toString());
        }
      }
    }
  }

  private Path partitionDir(String topic, int partition) {
    return logsDir.resolve(topic + "-" + partition);
  }

  private void writeMeta(String name, Uuid id, int partitions) throws IOException {
    Properties p = new Properties();
    p.setProperty("id", id.toString());
    p.setProperty("partitions", Integer.toString(partitions));
    Path tmp = topicsDir.resolve(name + ".properties.tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, null);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, topicsDir.resolve(name + ".properties"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(topicsDir);
  }

  /** Fsyncs a directory so that file creations, renames and deletions in it are durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
