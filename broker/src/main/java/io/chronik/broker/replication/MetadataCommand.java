package io.chronik.broker.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Entries of the metadata Raft group (group 0), like KRaft's metadata records: the cluster's topics,
 * their partitions (each its own Raft group, ids handed out in apply order) and the consumer groups'
 * committed offsets. Encoded as small tagged binary records; unknown tags fail loudly (a node must not
 * skip metadata it does not understand).
 */
public sealed interface MetadataCommand {
  byte CREATE_TOPIC = 1;
  byte DELETE_TOPIC = 2;
  byte ADD_PARTITIONS = 3;
  byte COMMIT_OFFSETS = 4;
  byte CLUSTER_ID = 5;
  byte CREATE_TOPIC_WITH_CONFIGS = 6;
  byte TOPIC_CONFIGS = 7;
  byte MOVE_PARTITION = 8;
  byte PARTITION_MOVED = 9;
  byte REGISTER_NODE = 10;
  byte UNREGISTER_NODE = 11;
  byte REPLICA_REJOINED = 12;

  /**
   * Creates {@code name} with {@code partitions} partitions on {@code replicationFactor} nodes each,
   * with its per-topic configs (validated before proposing; see {@code config.TopicConfigs}).
   */
  record CreateTopic(String name, long idHigh, long idLow, int partitions, int replicationFactor,
      Map<String, String> configs) implements MetadataCommand {
    public CreateTopic {
      configs = Map.copyOf(configs);
    }

    public CreateTopic(String name, long idHigh, long idLow, int partitions, int replicationFactor) {
      this(name, idHigh, idLow, partitions, replicationFactor, Map.of());
    }
  }

  /** Replaces every per-topic config of {@code name} (the controller merged incremental changes). */
  record TopicConfigs(String name, Map<String, String> configs) implements MetadataCommand {
    public TopicConfigs {
      configs = Map.copyOf(configs);
    }
  }

  record DeleteTopic(String name) implements MetadataCommand {}

  /** Grows {@code name} to {@code partitions} partitions. */
  record AddPartitions(String name, int partitions, int replicationFactor) implements MetadataCommand {}

  /** One committed offset of a consumer group. */
  record Offset(String topic, int partition, long offset, int leaderEpoch, String metadata) {}

  record CommitOffsets(String group, List<Offset> offsets) implements MetadataCommand {
    public CommitOffsets {
      offsets = List.copyOf(offsets);
    }
  }

  /**
   * The cluster's id, proposed by the first metadata leader that finds none (its own former per-node
   * id, so a cluster keeps the id its clients saw); the first one applied wins, later ones are ignored.
   */
  record ClusterId(String id) implements MetadataCommand {}

  /**
   * Starts moving a partition to {@code target} (its replicas, preferred first), or, with an empty target,
   * cancels its move (AlterPartitionReassignments). The partition's Raft leader carries it out and then
   * proposes {@link PartitionMoved}.
   */
  record MovePartition(String topic, int partition, List<Integer> target) implements MetadataCommand {
    public MovePartition {
      target = List.copyOf(target);
    }
  }

  /**
   * The partition's Raft group left joint consensus with exactly {@code replicas} as voters: they become
   * its replicas. Ignored unless they are the partition's current target (a late or repeated report).
   */
  record PartitionMoved(String topic, int partition, List<Integer> replicas) implements MetadataCommand {
    public PartitionMoved {
      replicas = List.copyOf(replicas);
    }
  }

  /**
   * A node's addresses and its data dir's incarnation ({@code meta.properties}' directory id): proposed by the
   * node itself once a metadata leader is known and the image lacks or differs from it. The latest one applied
   * per node id wins; DescribeQuorum reports the directory ids from it.
   */
  record RegisterNode(int nodeId, String host, int kafkaPort, int raftPort, long directoryIdHigh,
      long directoryIdLow) implements MetadataCommand {}

  /**
   * A node leaves the cluster for good (Kafka's UnregisterBroker): its registration goes, so it is no longer a
   * learner of the metadata group, a peer or a move target. Proposed only by the metadata leader, for a node
   * that is stopped, no voter and hosts no replica ({@link MetadataVoters}).
   */
  record UnregisterNode(int nodeId) implements MetadataCommand {}

  /**
   * A step of a node's rejoin after it lost its disk ({@link ReplicaRejoins}), proposed by the metadata leader
   * once it saw the step's precondition in the metadata group's committed configuration: {@code step} is one of
   * {@link ReplicaRejoins#VOTER_TO_RESTORE}, {@link ReplicaRejoins#METADATA_LEFT},
   * {@link ReplicaRejoins#VOTER_RESTORED}. Repeats change nothing.
   */
  record ReplicaRejoined(int nodeId, byte step) implements MetadataCommand {}

  static byte[] encode(MetadataCommand command) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (command instanceof CreateTopic c) {
          // without configs the entry is written as before, so older nodes still read it
          out.writeByte(c.configs().isEmpty() ? CREATE_TOPIC : CREATE_TOPIC_WITH_CONFIGS);
          out.writeUTF(c.name());
          out.writeLong(c.idHigh());
          out.writeLong(c.idLow());
          out.writeInt(c.partitions());
          out.writeInt(c.replicationFactor());
          if (!c.configs().isEmpty()) {
            writeConfigs(out, c.configs());
          }
      } else if (command instanceof TopicConfigs t) {
          out.writeByte(TOPIC_CONFIGS);
          out.writeUTF(t.name());
          writeConfigs(out, t.configs());
      } else if (command instanceof DeleteTopic d) {
          out.writeByte(DELETE_TOPIC);
          out.writeUTF(d.name());
      } else if (command instanceof AddPartitions a) {
          out.writeByte(ADD_PARTITIONS);
          out.writeUTF(a.name());
          out.writeInt(a.partitions());
          out.writeInt(a.replicationFactor());
      } else if (command instanceof MovePartition m) {
          out.writeByte(MOVE_PARTITION);
          writePartitionNodes(out, m.topic(), m.partition(), m.target());
      } else if (command instanceof PartitionMoved m) {
          out.writeByte(PARTITION_MOVED);
          writePartitionNodes(out, m.topic(), m.partition(), m.replicas());
      } else if (command instanceof RegisterNode r) {
          out.writeByte(REGISTER_NODE);
          out.writeInt(r.nodeId());
          out.writeUTF(r.host());
          out.writeInt(r.kafkaPort());
          out.writeInt(r.raftPort());
          out.writeLong(r.directoryIdHigh());
          out.writeLong(r.directoryIdLow());
      } else if (command instanceof UnregisterNode u) {
          out.writeByte(UNREGISTER_NODE);
          out.writeInt(u.nodeId());
      } else if (command instanceof ReplicaRejoined r) {
          out.writeByte(REPLICA_REJOINED);
          out.writeInt(r.nodeId());
          out.writeByte(r.step());
      } else if (command instanceof ClusterId c) {
          out.writeByte(CLUSTER_ID);
          out.writeUTF(c.id());
      } else if (command instanceof CommitOffsets c) {
          out.writeByte(COMMIT_OFFSETS);
          out.writeUTF(c.group());
          out.writeInt(c.offsets().size());
          for (Offset o : c.offsets()) {
            out.writeUTF(o.topic());
            out.writeInt(o.partition());
            out.writeLong(o.offset());
            out.writeInt(o.leaderEpoch());
            out.writeBoolean(o.metadata() != null);
            out.writeUTF(o.metadata() == null ? "" : o.metadata());
          }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes an entry payload; throws {@link IllegalArgumentException} ({@code reason=…}) when malformed. */
  static MetadataCommand decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
      byte tag = in.readByte();
      switch (tag) {
        case CREATE_TOPIC:
          return new CreateTopic(in.readUTF(), in.readLong(), in.readLong(), in.readInt(), in.readInt());
        case CREATE_TOPIC_WITH_CONFIGS:
          return new CreateTopic(in.readUTF(), in.readLong(), in.readLong(), in.readInt(), in.readInt(),
              readConfigs(in, payload.length));
        case TOPIC_CONFIGS:
          return new TopicConfigs(in.readUTF(), readConfigs(in, payload.length));
        case DELETE_TOPIC:
          return new DeleteTopic(in.readUTF());
        case ADD_PARTITIONS:
          return new AddPartitions(in.readUTF(), in.readInt(), in.readInt());
        case CLUSTER_ID:
          return new ClusterId(in.readUTF());
        case REGISTER_NODE:
          return new RegisterNode(in.readInt(), in.readUTF(), in.readInt(), in.readInt(), in.readLong(),
              in.readLong());
        case UNREGISTER_NODE:
          return new UnregisterNode(in.readInt());
        case REPLICA_REJOINED: {
          int node = in.readInt();
          byte step = in.readByte();
          if (step < ReplicaRejoins.VOTER_TO_RESTORE || step > ReplicaRejoins.VOTER_RESTORED) {
            throw new IllegalArgumentException("step=" + step + " reason=unknown-rejoin-step");
          }
          return new ReplicaRejoined(node, step);
        }
        case MOVE_PARTITION:
          return new MovePartition(in.readUTF(), in.readInt(), readNodes(in, payload.length));
        case PARTITION_MOVED:
          return new PartitionMoved(in.readUTF(), in.readInt(), readNodes(in, payload.length));
        case COMMIT_OFFSETS: {
          String group = in.readUTF();
          int n = in.readInt();
          if (n < 0 || n > payload.length) {
            throw new IllegalArgumentException("count=" + n + " reason=bad-offset-count");
          }
          List<Offset> offsets = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            int epoch = in.readInt();
            boolean hasMetadata = in.readBoolean();
            String metadata = in.readUTF();
            offsets.add(new Offset(topic, partition, offset, epoch, hasMetadata ? metadata : null));
          }
          return new CommitOffsets(group, offsets);
        }
        default:
          throw new IllegalArgumentException("tag=" + tag + " reason=unknown-metadata-command");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("bytes=" + payload.length + " reason=truncated-metadata-command", e);
    }
  }

  private static void writePartitionNodes(DataOutputStream out, String topic, int partition, List<Integer> nodes)
      throws IOException {
    out.writeUTF(topic);
    out.writeInt(partition);
    out.writeInt(nodes.size());
    for (int n : nodes) {
      out.writeInt(n);
    }
  }

  private static List<Integer> readNodes(DataInputStream in, int payloadBytes) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > payloadBytes) {
      throw new IllegalArgumentException("count=" + n + " reason=bad-node-count");
    }
    List<Integer> nodes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      nodes.add(in.readInt());
    }
    return nodes;
  }

  private static void writeConfigs(DataOutputStream out, Map<String, String> configs) throws IOException {
    out.writeInt(configs.size());
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(configs).entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
  }

  private static Map<String, String> readConfigs(DataInputStream in, int payloadBytes) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > payloadBytes) {
      throw new IllegalArgumentException("count=" + n + " reason=bad-config-count");
    }
    Map<String, String> configs = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      configs.put(in.readUTF(), in.readUTF());
    }
    return configs;
  }
}
