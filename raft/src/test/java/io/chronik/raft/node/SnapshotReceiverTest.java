package io.chronik.raft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The follower's side of a streamed InstallSnapshot: chunks that continue the held bytes are staged for
 * the storage and acknowledged once per Ready; a damaged chunk or a gap asks for a resend once per offset
 * (the last chunk always asks); a chunk below the held bytes gets one plain status; an image in one chunk
 * whose whole-image CRC matches is recognised at once.
 */
class SnapshotReceiverTest {
  private static final SnapshotMeta META = new SnapshotMeta(40, 3, Configuration.of(List.of(1, 2, 3)));
  private static final byte[] IMAGE = "a snapshot image of several chunks, streamed".getBytes();

  private static List<Message> chunks(int chunkBytes) {
    CRC32C whole = new CRC32C();
    whole.update(IMAGE);
    List<Message> out = new ArrayList<>();
    for (int off = 0; off < IMAGE.length; off += chunkBytes) {
      int len = Math.min(chunkBytes, IMAGE.length - off);
      CRC32C crc = new CRC32C();
      crc.update(IMAGE, off, len);
      byte[] part = ByteBuffer.allocate(4 + len).putInt((int) crc.getValue()).put(IMAGE, off, len).array();
      boolean last = off + len >= IMAGE.length;
      out.add(Message.of(MessageType.SNAPSHOT, 1, 2, 3).snapshot(META, off, part, last)
          .context(last ? whole.getValue() : 0).build());
    }
    return out;
  }

  private static Message damaged(Message m) {
    byte[] chunk = m.chunk().clone();
    chunk[5] ^= 0x10;
    return Message.of(MessageType.SNAPSHOT, 1, 2, 3).snapshot(META, m.chunkOffset(), chunk, m.lastChunk())
        .context(m.context()).build();
  }

  /** Persists what the receiver staged, as the driver does, and advances. */
  private static SnapshotReceiver.Outcome persist(SnapshotReceiver r, MemoryLogStorage storage) {
    List<SnapshotChunk> chunks = r.drain();
    chunks.forEach(storage::persistSnapshotChunk);
    return r.persisted();
  }

  @Test
  void chunksInOrderAreStagedPersistedAndTheImageIsWhole() {
    MemoryLogStorage storage = new MemoryLogStorage();
    SnapshotReceiver r = new SnapshotReceiver(storage);
    List<Message> chunks = chunks(5);
    for (Message m : chunks.subList(0, 3)) {
      assertThat(r.accept(m, 2, 3)).as("acknowledged with the Ready, not per chunk").isNull();
    }
    List<SnapshotChunk> drained = r.drain();
    assertThat(drained).hasSize(3);
    assertThat(SnapshotReceiver.acknowledged(drained)).isTrue();
    Message ack = r.acknowledgement(2, 3);
    assertThat(ack.type()).isEqualTo(MessageType.SNAPSHOT_STATUS);
    assertThat(ack.index()).isEqualTo(15);
    assertThat(ack.reject()).isFalse();
    drained.forEach(storage::persistSnapshotChunk);
    assertThat(r.persisted()).isEqualTo(SnapshotReceiver.Outcome.RECEIVING);
    for (Message m : chunks.subList(3, chunks.size())) {
      assertThat(r.accept(m, 2, 3)).isNull();
    }
    assertThat(persist(r, storage)).isEqualTo(SnapshotReceiver.Outcome.WHOLE);
    assertThat(storage.snapshotReceivedWhole(META)).isTrue();
    assertThat(r.chunksRefused()).isZero();
  }

  @Test
  void aDamagedChunkIsRefusedCountedAndAsksForAResendFromWhereTheImageStands() {
    MemoryLogStorage storage = new MemoryLogStorage();
    SnapshotReceiver r = new SnapshotReceiver(storage);
    List<Message> chunks = chunks(5);
    r.accept(chunks.get(0), 2, 3);
    Message status = r.accept(damaged(chunks.get(1)), 2, 3);
    assertThat(status.reject()).isTrue();
    assertThat(status.index()).isEqualTo(5);
    assertThat(r.chunksRefused()).isEqualTo(1);
    assertThat(r.accept(chunks.get(2), 2, 3)).as("the same gap asks once").isNull();
    assertThat(r.accept(chunks.get(chunks.size() - 1), 2, 3)).as("the last chunk always asks").isNotNull();
    for (Message m : chunks.subList(1, chunks.size())) {
      r.accept(m, 2, 3);
    }
    assertThat(persist(r, storage)).isEqualTo(SnapshotReceiver.Outcome.WHOLE);
  }

  @Test
  void aChunkBelowTheHeldBytesGetsOnePlainStatusAndIsNotStagedAgain() {
    MemoryLogStorage storage = new MemoryLogStorage();
    SnapshotReceiver r = new SnapshotReceiver(storage);
    List<Message> chunks = chunks(5);
    r.accept(chunks.get(0), 2, 3);
    r.accept(chunks.get(1), 2, 3);
    persist(r, storage);
    Message status = r.accept(chunks.get(0), 2, 3);
    assertThat(status.reject()).as("never a rewind").isFalse();
    assertThat(status.index()).isEqualTo(10);
    assertThat(r.accept(chunks.get(1), 2, 3)).isNull();
    assertThat(r.drain()).isEmpty();
  }

  @Test
  void aRestartedFollowerContinuesFromWhatItsStorageHolds() {
    MemoryLogStorage storage = new MemoryLogStorage();
    SnapshotReceiver before = new SnapshotReceiver(storage);
    List<Message> chunks = chunks(5);
    before.accept(chunks.get(0), 2, 3);
    before.accept(chunks.get(1), 2, 3);
    persist(before, storage);
    SnapshotReceiver after = new SnapshotReceiver(storage);
    Message status = after.accept(chunks.get(0), 2, 3); // the leader's new transfer starts at 0
    assertThat(status.index()).isEqualTo(10);
    assertThat(after.accept(chunks.get(2), 2, 3)).isNull();
    assertThat(after.drain()).extracting(SnapshotChunk::offset).containsExactly(10L);
  }

  @Test
  void anImageInOneChunkWithAMatchingWholeImageChecksumIsRecognisedAtOnce() {
    SnapshotReceiver r = new SnapshotReceiver(new MemoryLogStorage());
    Message only = chunks(IMAGE.length).get(0);
    assertThat(r.accept(only, 2, 3)).isNull();
    assertThat(r.takeWholeInOneChunk()).isTrue();
    assertThat(SnapshotReceiver.acknowledged(r.drain())).as("the install's append response answers").isFalse();
    SnapshotReceiver other = new SnapshotReceiver(new MemoryLogStorage());
    other.accept(Message.of(MessageType.SNAPSHOT, 1, 2, 3).snapshot(META, 0, only.chunk(), true)
        .context(only.context() ^ 1).build(), 2, 3);
    assertThat(other.takeWholeInOneChunk()).as("whole-image CRC mismatch").isFalse();
  }
}
