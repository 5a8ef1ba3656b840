package io.chronik.broker.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

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

  /** Creates {@code name} with {@code partitions} partitions on {@code replicationFactor} nodes each. */
  record CreateTopic(String name, long idHigh, long idLow, int partitions, int replicationFactor)
      implements MetadataCommand {}

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

  static byte[] encode(MetadataCommand command) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (command instanceof CreateTopic c) {
          out.writeByte(CREATE_TOPIC);
          out.writeUTF(c.name());
          out.writeLong(c.idHigh());
          out.writeLong(c.idLow());
          out.writeInt(c.partitions());
          out.writeInt(c.replicationFactor());
      } else if (command instanceof DeleteTopic d) {
          out.writeByte(DELETE_TOPIC);
          out.writeUTF(d.name());
      } else if (command instanceof AddPartitions a) {
          out.writeByte(ADD_PARTITIONS);
          out.writeUTF(a.name());
          out.writeInt(a.partitions());
          out.writeInt(a.replicationFactor());
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
        case DELETE_TOPIC:
          return new DeleteTopic(in.readUTF());
        case ADD_PARTITIONS:
          return new AddPartitions(in.readUTF(), in.readInt(), in.readInt());
        case CLUSTER_ID:
          return new ClusterId(in.readUTF());
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
}
