package io.chronik.raft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** A chunk whose checksum fails abandons the snapshot: nothing partial is handed on, a resend assembles. */
class SnapshotAssemblyTest {
  private static final SnapshotMeta META = new SnapshotMeta(40, 3, Configuration.of(List.of(1, 2, 3)));
  private static final byte[] IMAGE = "a snapshot image of several chunks".getBytes();

  private static List<Message> chunks(int chunkBytes) {
    List<Message> out = new ArrayList<>();
    for (int off = 0; off < IMAGE.length; off += chunkBytes) {
      int len = Math.min(chunkBytes, IMAGE.length - off);
      CRC32C crc = new CRC32C();
      crc.update(IMAGE, off, len);
      byte[] part = ByteBuffer.allocate(4 + len).putInt((int) crc.getValue()).put(IMAGE, off, len).array();
      out.add(Message.of(MessageType.SNAPSHOT, 1, 2, 3).snapshot(META, off, part, off + len >= IMAGE.length).build());
    }
    return out;
  }

  private static Message flipped(Message m, int at) {
    byte[] chunk = m.chunk().clone();
    chunk[at] ^= 0x10;
    return Message.of(MessageType.SNAPSHOT, 1, 2, 3).snapshot(META, m.chunkOffset(), chunk, m.lastChunk()).build();
  }

  @Test
  void chunksInOrderAssembleTheImage() {
    SnapshotAssembly assembly = new SnapshotAssembly();
    byte[] whole = null;
    for (Message m : chunks(5)) {
      whole = assembly.accept(m);
    }
    assertThat(whole).isEqualTo(IMAGE);
    assertThat(assembly.chunksRefused()).isZero();
  }

  @Test
  void aDamagedByteInAnyChunkAbandonsTheTransferUntilItStartsAgain() {
    List<Message> chunks = chunks(5);
    for (int damaged = 0; damaged < chunks.size(); damaged++) {
      for (int at = 0; at < chunks.get(damaged).chunk().length; at++) {
        SnapshotAssembly assembly = new SnapshotAssembly();
        for (int i = 0; i < chunks.size(); i++) {
          Message m = i == damaged ? flipped(chunks.get(i), at) : chunks.get(i);
          assertThat(assembly.accept(m)).as("chunk=" + i + " damaged=" + damaged + " at=" + at).isNull();
        }
        assertThat(assembly.chunksRefused()).isEqualTo(1);
        byte[] whole = null;
        for (Message m : chunks) {
          whole = assembly.accept(m);
        }
        assertThat(whole).as("resent from the start").isEqualTo(IMAGE);
      }
    }
  }

  @Test
  void aChunkTooShortForItsChecksumIsRefused() {
    SnapshotAssembly assembly = new SnapshotAssembly();
    Message shortChunk = Message.of(MessageType.SNAPSHOT, 1, 2, 3).snapshot(META, 0, new byte[] {1, 2}, true).build();
    assertThat(assembly.accept(shortChunk)).isNull();
    assertThat(assembly.chunksRefused()).isEqualTo(1);
  }
}
