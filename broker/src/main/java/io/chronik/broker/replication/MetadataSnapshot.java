package io.chronik.broker.replication;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.apache.kafka.common.Uuid;

/**
 * Everything the metadata log's commands built up, as of one Raft index (the snapshot's own): the next
 * fresh partition group id and the retired ones free again (with the incarnation each last had), the
 * cluster id, every topic (id, partitions with group ids, incarnations and replicas, per-topic configs)
 * and every consumer group's committed offsets. Stored as the metadata group's snapshot data,
 * so a start loads it and replays only the entries after it, and a follower behind the leader's
 * compacted log receives it by InstallSnapshot.
 *
 * <p>Layout: {@code magic int ("MDS1"), version byte (4), crc32c int over the body, body}; body:
 * {@code nextGroupId int, retired (count, each ascending: groupId int, incarnation int), clusterId
 * (present boolean, utf), topics (count, each: name utf, id 2 longs, configs (count, key utf, value utf,
 * keys sorted), partitions (count, each: index int, groupId int, incarnation int, replicas (count,
 * ints), target (count, ints; empty unless the partition
 * moves)))), groups (count, sorted, each: group utf, offsets (count, each: topic utf,
 * partition int, offset long, leaderEpoch int, hasMetadata boolean, metadata utf))), registered nodes (see
 * {@link #VERSION})}. The checksum is the
 * codec's own, besides the snapshot file's: a snapshot also travels over the network in chunks, and a
 * damaged one must fail here rather than become the image. Version 1 (before group ids were reused) has
 * no retired ids and no incarnations; it still decodes, as no retired id and incarnation 0 everywhere,
 * which is what it stood for. Version 2 (before partition moves) has no targets: it decodes as no partition
 * moving. Version 3 (before node registration) has no registered nodes: it decodes as none registered.
 */
record MetadataSnapshot(int nextGroupId, SortedMap<Integer, Integer> retired, String clusterId,
    List<TopicSpec> topics, Map<String, List<MetadataCommand.Offset>> offsets, List<RegisteredNodes.Node> nodes,
    java.util.SortedSet<Integer> left, List<ReplicaRejoins.Rejoin> rejoins) {
  static final int MAGIC = 0x4d445331; // "MDS1"
  /**
   * With the registered nodes after the groups (count, each: id int, host utf, kafkaPort int, raftPort int, dir 2
   * longs), then the nodes that left (count, ids ascending).
   */
  static final byte VERSION = 4;
  /**
   * Version 4 followed by the unfinished rejoins (count, each: node int, metadata boolean, restoreVoter boolean,
   * partitions (count, each ascending: groupId int, topic utf, partition int, restore (count, ints)));
   * written only while a rejoin is under way, so an older node reads every snapshot it could before.
   */
  static final byte VERSION_5 = 5;
  /** With move targets, without registered nodes: read, and written while no node registered. */
  static final byte VERSION_3 = 3;
  /** Without retired ids and incarnations: read, never written. */
  static final byte VERSION_1 = 1;
  /** Without partition move targets: read (no partition moving), never written. */
  static final byte VERSION_2 = 2;
  private static final int HEADER_BYTES = 9;

  MetadataSnapshot(int nextGroupId, String clusterId, List<TopicSpec> topics,
      Map<String, List<MetadataCommand.Offset>> offsets) {
    this(nextGroupId, new TreeMap<>(), clusterId, topics, offsets);
  }

  MetadataSnapshot(int nextGroupId, SortedMap<Integer, Integer> retired, String clusterId, List<TopicSpec> topics,
      Map<String, List<MetadataCommand.Offset>> offsets) {
    this(nextGroupId, retired, clusterId, topics, offsets, List.of());
  }

  MetadataSnapshot(int nextGroupId, SortedMap<Integer, Integer> retired, String clusterId, List<TopicSpec> topics,
      Map<String, List<MetadataCommand.Offset>> offsets, List<RegisteredNodes.Node> nodes) {
    this(nextGroupId, retired, clusterId, topics, offsets, nodes, new TreeSet<>());
  }

  MetadataSnapshot(int nextGroupId, SortedMap<Integer, Integer> retired, String clusterId, List<TopicSpec> topics,
      Map<String, List<MetadataCommand.Offset>> offsets, List<RegisteredNodes.Node> nodes,
      java.util.SortedSet<Integer> left) {
    this(nextGroupId, retired, clusterId, topics, offsets, nodes, left, List.of());
  }

  MetadataSnapshot {
    retired = Collections.unmodifiableSortedMap(new TreeMap<>(retired));
    topics = List.copyOf(topics);
    nodes = nodes.stream().sorted(java.util.Comparator.comparingInt(RegisteredNodes.Node::id)).toList();
    left = Collections.unmodifiableSortedSet(new TreeSet<>(left));
    rejoins = rejoins.stream().sorted(java.util.Comparator.comparingInt(ReplicaRejoins.Rejoin::node)).toList();
    Map<String, List<MetadataCommand.Offset>> sorted = new TreeMap<>();
    offsets.forEach((group, list) -> sorted.put(group, List.copyOf(list)));
    offsets = java.util.Collections.unmodifiableMap(sorted);
  }

  /**
   * Written as version 2 while no partition moves and no node registered, as version 3 while only partitions
   * move, so a node of an older version (during a rolling upgrade) still reads every snapshot it could before.
   */
  byte[] encode() {
    boolean moving = topics.stream().anyMatch(t -> t.partitions().stream().anyMatch(TopicSpec.PartitionSpec::moving));
    byte version = !rejoins.isEmpty() ? VERSION_5
        : !nodes.isEmpty() || !left.isEmpty() ? VERSION : moving ? VERSION_3 : VERSION_2;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(nextGroupId);
      out.writeInt(retired.size());
      for (Map.Entry<Integer, Integer> r : retired.entrySet()) {
        out.writeInt(r.getKey());
        out.writeInt(r.getValue());
      }
      out.writeBoolean(clusterId != null);
      out.writeUTF(clusterId == null ? "" : clusterId);
      out.writeInt(topics.size());
      for (TopicSpec t : topics) {
        writeTopic(out, t, version);
      }
      out.writeInt(offsets.size());
      for (Map.Entry<String, List<MetadataCommand.Offset>> g : offsets.entrySet()) {
        out.writeUTF(g.getKey());
        out.writeInt(g.getValue().size());
        for (MetadataCommand.Offset o : g.getValue()) {
          out.writeUTF(o.topic());
          out.writeInt(o.partition());
          out.writeLong(o.offset());
          out.writeInt(o.leaderEpoch());
          out.writeBoolean(o.metadata() != null);
          out.writeUTF(o.metadata() == null ? "" : o.metadata());
        }
      }
      if (version >= VERSION) {
        writeNodes(out, nodes);
        out.writeInt(left.size());
        for (int id : left) {
          out.writeInt(id);
        }
      }
      if (version == VERSION_5) {
        writeRejoins(out, rejoins);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] body = bytes.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(body);
    return ByteBuffer.allocate(HEADER_BYTES + body.length).putInt(MAGIC).put(version).putInt((int) crc.getValue())
        .put(body).array();
  }

  private static void writeNodes(DataOutputStream out, List<RegisteredNodes.Node> nodes) throws IOException {
    out.writeInt(nodes.size());
    for (RegisteredNodes.Node n : nodes) {
      out.writeInt(n.id());
      out.writeUTF(n.host());
      out.writeInt(n.kafkaPort());
      out.writeInt(n.raftPort());
      out.writeLong(n.directoryId().getMostSignificantBits());
      out.writeLong(n.directoryId().getLeastSignificantBits());
    }
  }

  private static List<RegisteredNodes.Node> readNodes(DataInputStream in, int bytes) throws IOException {
    int n = count(in, bytes, "nodes");
    List<RegisteredNodes.Node> nodes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      nodes.add(new RegisteredNodes.Node(in.readInt(), in.readUTF(), in.readInt(), in.readInt(),
          new Uuid(in.readLong(), in.readLong())));
    }
    return nodes;
  }

  private static void writeTopic(DataOutputStream out, TopicSpec t, byte version) throws IOException {
    out.writeUTF(t.name());
    out.writeLong(t.id().getMostSignificantBits());
    out.writeLong(t.id().getLeastSignificantBits());
    out.writeInt(t.configs().size());
    for (Map.Entry<String, String> c : new TreeMap<>(t.configs()).entrySet()) {
      out.writeUTF(c.getKey());
      out.writeUTF(c.getValue());
    }
    out.writeInt(t.partitions().size());
    for (TopicSpec.PartitionSpec p : t.partitions()) {
      out.writeInt(p.index());
      out.writeInt(p.groupId());
      out.writeInt(p.incarnation());
      writeNodeIds(out, p.replicas());
      if (version >= VERSION_3) {
        writeNodeIds(out, p.target());
      }
    }
  }

  /**
   * A snapshot written by {@link #encode}; anything else (unknown magic or version, checksum mismatch,
   * truncated or trailing bytes, impossible counts) throws {@link IllegalArgumentException} with
   * {@code reason=}.
   */
  static MetadataSnapshot decode(byte[] data) {
    if (data.length < HEADER_BYTES) {
      throw new IllegalArgumentException("bytes=" + data.length + " reason=truncated-metadata-snapshot-header");
    }
    ByteBuffer header = ByteBuffer.wrap(data, 0, HEADER_BYTES);
    int magic = header.getInt();
    byte version = header.get();
    if (magic != MAGIC) {
      throw new IllegalArgumentException("bytes=" + data.length + " magic=0x" + Integer.toHexString(magic)
          + " reason=not-a-metadata-snapshot");
    }
    if (version != VERSION_5 && version != VERSION && version != VERSION_3 && version != VERSION_2 && version != VERSION_1) {
      throw new IllegalArgumentException("bytes=" + data.length + " version=" + version
          + " reason=unknown-metadata-snapshot-version");
    }
    int expected = header.getInt();
    CRC32C crc = new CRC32C();
    crc.update(data, HEADER_BYTES, data.length - HEADER_BYTES);
    if ((int) crc.getValue() != expected) {
      throw new IllegalArgumentException("bytes=" + data.length + " crc=0x" + Integer.toHexString((int) crc.getValue())
          + " expectedCrc=0x" + Integer.toHexString(expected) + " reason=metadata-snapshot-checksum-mismatch");
    }
    try (DataInputStream in = new DataInputStream(
        new ByteArrayInputStream(data, HEADER_BYTES, data.length - HEADER_BYTES))) {
      MetadataSnapshot snapshot = readBody(in, data.length, version);
      if (in.available() > 0) {
        throw new IllegalArgumentException("bytes=" + data.length + " trailing=" + in.available()
            + " reason=trailing-bytes-after-metadata-snapshot");
      }
      return snapshot;
    } catch (IOException e) {
      throw new IllegalArgumentException("bytes=" + data.length + " reason=truncated-metadata-snapshot", e);
    }
  }

  private static MetadataSnapshot readBody(DataInputStream in, int bytes, byte version) throws IOException {
    int nextGroupId = in.readInt();
    TreeMap<Integer, Integer> retired = new TreeMap<>();
    if (version != VERSION_1) {
      int retiredCount = count(in, bytes, "retired");
      for (int i = 0; i < retiredCount; i++) {
        int groupId = in.readInt();
        int incarnation = in.readInt();
        boolean ascending = retired.isEmpty() || groupId > retired.lastKey();
        if (groupId < 1 || groupId >= nextGroupId || incarnation < 0 || !ascending) {
          throw new IllegalArgumentException("bytes=" + bytes + " group=" + groupId + " incarnation=" + incarnation
              + " nextGroupId=" + nextGroupId + " reason=bad-retired-group-id");
        }
        retired.put(groupId, incarnation);
      }
    }
    boolean hasClusterId = in.readBoolean();
    String clusterId = in.readUTF();
    int topicCount = count(in, bytes, "topics");
    List<TopicSpec> topics = new ArrayList<>(topicCount);
    for (int i = 0; i < topicCount; i++) {
      topics.add(readTopic(in, bytes, version));
    }
    int groupCount = count(in, bytes, "groups");
    Map<String, List<MetadataCommand.Offset>> offsets = new TreeMap<>();
    for (int i = 0; i < groupCount; i++) {
      String group = in.readUTF();
      int n = count(in, bytes, "offsets");
      List<MetadataCommand.Offset> list = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        String topic = in.readUTF();
        int partition = in.readInt();
        long offset = in.readLong();
        int epoch = in.readInt();
        boolean hasMetadata = in.readBoolean();
        String metadata = in.readUTF();
        list.add(new MetadataCommand.Offset(topic, partition, offset, epoch, hasMetadata ? metadata : null));
      }
      offsets.put(group, list);
    }
    List<RegisteredNodes.Node> nodes = version >= VERSION ? readNodes(in, bytes) : List.of();
    TreeSet<Integer> left = new TreeSet<>();
    int leftCount = version >= VERSION ? count(in, bytes, "left") : 0;
    for (int i = 0; i < leftCount; i++) {
      left.add(in.readInt());
    }
    List<ReplicaRejoins.Rejoin> rejoins = version == VERSION_5 ? readRejoins(in, bytes) : List.of();
    return new MetadataSnapshot(nextGroupId, retired, hasClusterId ? clusterId : null, topics, offsets, nodes, left,
        rejoins);
  }

  private static void writeRejoins(DataOutputStream out, List<ReplicaRejoins.Rejoin> rejoins) throws IOException {
    out.writeInt(rejoins.size());
    for (ReplicaRejoins.Rejoin r : rejoins) {
      out.writeInt(r.node());
      out.writeBoolean(r.metadata());
      out.writeBoolean(r.restoreVoter());
      out.writeInt(r.partitions().size());
      for (Map.Entry<Integer, ReplicaRejoins.Pending> e : r.partitions().entrySet()) {
        out.writeInt(e.getKey());
        out.writeUTF(e.getValue().topic());
        out.writeInt(e.getValue().partition());
        writeNodeIds(out, e.getValue().restore());
      }
    }
  }

  private static List<ReplicaRejoins.Rejoin> readRejoins(DataInputStream in, int bytes) throws IOException {
    int count = count(in, bytes, "rejoins");
    List<ReplicaRejoins.Rejoin> rejoins = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int node = in.readInt();
      boolean metadata = in.readBoolean();
      boolean restoreVoter = in.readBoolean();
      int partitions = count(in, bytes, "rejoin-partitions");
      TreeMap<Integer, ReplicaRejoins.Pending> pending = new TreeMap<>();
      for (int k = 0; k < partitions; k++) {
        int groupId = in.readInt();
        String topic = in.readUTF();
        int partition = in.readInt();
        pending.put(groupId, new ReplicaRejoins.Pending(topic, partition, readNodeIds(in, bytes, "restore")));
      }
      rejoins.add(new ReplicaRejoins.Rejoin(node, metadata, restoreVoter, pending));
    }
    return rejoins;
  }

  private static TopicSpec readTopic(DataInputStream in, int bytes, byte version) throws IOException {
    String name = in.readUTF();
    Uuid id = new Uuid(in.readLong(), in.readLong());
    int configCount = count(in, bytes, "configs");
    Map<String, String> configs = new TreeMap<>();
    for (int i = 0; i < configCount; i++) {
      configs.put(in.readUTF(), in.readUTF());
    }
    int partitionCount = count(in, bytes, "partitions");
    List<TopicSpec.PartitionSpec> partitions = new ArrayList<>(partitionCount);
    for (int i = 0; i < partitionCount; i++) {
      int index = in.readInt();
      int groupId = in.readInt();
      int incarnation = version == VERSION_1 ? 0 : in.readInt();
      if (incarnation < 0) {
        throw new IllegalArgumentException("bytes=" + bytes + " group=" + groupId + " incarnation=" + incarnation
            + " reason=bad-incarnation");
      }
      List<Integer> replicas = readNodeIds(in, bytes, "replicas");
      List<Integer> target = version >= VERSION_3 ? readNodeIds(in, bytes, "target") : List.of();
      partitions.add(new TopicSpec.PartitionSpec(index, groupId, incarnation, replicas, target));
    }
    return new TopicSpec(name, id, partitions, configs);
  }

  /** A count read from the body: never negative nor more than the snapshot's bytes (no huge allocation). */
  /** A list of node ids: count, then each id. */
  private static void writeNodeIds(DataOutputStream out, List<Integer> ids) throws IOException {
    out.writeInt(ids.size());
    for (int id : ids) {
      out.writeInt(id);
    }
  }

  private static List<Integer> readNodeIds(DataInputStream in, int bytes, String what) throws IOException {
    int n = count(in, bytes, what);
    List<Integer> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(in.readInt());
    }
    return ids;
  }

  private static int count(DataInputStream in, int bytes, String what) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > bytes) {
      throw new IllegalArgumentException("bytes=" + bytes + " " + what + "=" + n + " reason=bad-count");
    }
    return n;
  }
}
