package io.chronik.raft.node;

import io.chronik.raft.log.LogStorage;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The follower side of a chunked InstallSnapshot. Nothing is assembled in memory: each chunk whose
 * checksum ({@code crc32c int, data}, see {@link Replicator}) matches and that continues the bytes held
 * is staged for the next {@link Ready}, whose driver appends it to the storage
 * ({@link LogStorage#persistSnapshotChunk}); the status that acknowledges it leaves with that Ready,
 * i.e. after the write. How far the storage holds an image survives a dropped connection and a restart,
 * so the leader resumes from there. Once the Ready with the last chunk is advanced, the storage knows
 * whether the whole image checked out ({@link LogStorage#snapshotReceivedWhole}); a refused image is
 * gone and the leader is told to start over.
 */
final class SnapshotReceiver {
  private final LogStorage storage;
  private final List<SnapshotChunk> staged = new ArrayList<>();
  /** The image being received, null when none. */
  private SnapshotMeta meta;
  /** The chunk just staged is the whole image, its CRC checked: it can be installed with the same Ready. */
  private boolean wholeInOneChunk;
  /** The leader that sent the staged chunks. */
  private int stagedFrom;
  /** Where the next chunk must start: the bytes the storage holds plus those staged or in flight. */
  private long expected;
  /** Chunks were handed out in a Ready not yet advanced. */
  private boolean inFlight;
  /** The last chunk was handed out: after the advance the storage says whether the image is whole. */
  private boolean lastInFlight;
  /** The offset last reported with a reject, so a window of chunks after a gap asks for a resend once. */
  private long rejectedAt = -1;
  /** The offset last reported for a chunk below it, so resent chunks are answered once. */
  private long informedAt = -1;
  private long chunksRefused;

  SnapshotReceiver(LogStorage storage) {
    this.storage = storage;
  }

  /** The status to send for {@code m} (a SNAPSHOT chunk from the leader), or null to stay silent. */
  Message accept(Message m, int self, long term) {
    if (!m.snapshot().equals(meta)) {
      meta = m.snapshot();
      staged.clear();
      // chunks in flight belong to another image: once persisted they replace whatever the storage held
      expected = inFlight ? 0 : storage.snapshotBytesReceived(meta);
      rejectedAt = -1;
      informedAt = -1;
    }
    if (m.reject() && m.chunkOffset() == 0) {
      // the leader's image is shorter than what we hold of it (it changed): start it anew
      staged.clear();
      expected = 0;
    }
    byte[] data = verified(m.chunk());
    if (data == null) {
      chunksRefused++;
      return gap(m, self, term);
    }
    if (m.chunkOffset() > expected) {
      return gap(m, self, term);
    }
    if (m.chunkOffset() < expected) {
      // we hold more (a resent or resumed chunk): tell the leader once, it moves on; never a rewind
      if (informedAt == expected) {
        return null;
      }
      informedAt = expected;
      return status(m.from(), self, term, false);
    }
    staged.add(new SnapshotChunk(meta, expected, data, m.lastChunk(), (int) m.context()));
    if (expected == 0 && m.lastChunk()) {
      CRC32C crc = new CRC32C();
      crc.update(data);
      wholeInOneChunk = (int) crc.getValue() == (int) m.context();
    }
    expected += data.length;
    stagedFrom = m.from();
    return null; // acknowledged once per Ready, with all its chunks ({@link #drain})
  }

  /**
   * True (once) when the chunk just accepted was the whole image and matched the leader's whole-image
   * CRC: installed with the Ready that persists it, as a small snapshot always was.
   */
  boolean takeWholeInOneChunk() {
    boolean whole = wholeInOneChunk;
    wholeInOneChunk = false;
    return whole;
  }

  /** True when the storage already holds {@code of}'s image whole (e.g. received before a restart). */
  boolean whole(SnapshotMeta of) {
    return !lastInFlight && storage.snapshotReceivedWhole(of);
  }

  boolean hasStaged() {
    return !staged.isEmpty();
  }

  /** Chunks for the Ready being collected; {@link #acknowledgement} is the status that goes with them. */
  List<SnapshotChunk> drain() {
    if (staged.isEmpty()) {
      return List.of();
    }
    List<SnapshotChunk> out = List.copyOf(staged);
    inFlight = true;
    lastInFlight |= out.get(out.size() - 1).last();
    staged.clear();
    return out;
  }

  /**
   * Whether the drained chunks need a status: not when they end the image (the install's append
   * response, or a resend request, follows).
   */
  static boolean acknowledged(List<SnapshotChunk> drained) {
    return !drained.isEmpty() && !drained.get(drained.size() - 1).last();
  }

  /** What a persisted Ready's chunks came to. */
  enum Outcome {
    /** More chunks are expected. */
    RECEIVING,
    /** The image is whole in the storage: install it. */
    WHOLE,
    /** The last chunk went out but the storage holds no whole image (refused, or not continued): resend. */
    RESEND
  }

  /** A Ready with chunks was persisted (its advance); the outcome is for {@link #receiving()}'s image. */
  Outcome persisted() {
    inFlight = false;
    boolean last = lastInFlight;
    lastInFlight = false;
    if (meta == null) {
      return Outcome.RECEIVING;
    }
    // the storage is the truth (a chunk it could not continue with was dropped there)
    long stagedBytes = staged.stream().mapToLong(c -> c.data().length).sum();
    expected = storage.snapshotBytesReceived(meta) + stagedBytes;
    if (!last) {
      return Outcome.RECEIVING;
    }
    return storage.snapshotReceivedWhole(meta) ? Outcome.WHOLE : Outcome.RESEND;
  }

  /**
   * {@code installed}'s image is being installed (or was found covered by the log): a later chunk of it
   * starts from what the storage says. Staged chunks stay: they are the image's last, persisted by the
   * Ready that installs it.
   */
  void done(SnapshotMeta installed) {
    if (installed.equals(meta)) {
      meta = null;
    }
  }

  /** The image being received (null when none). */
  SnapshotMeta receiving() {
    return meta;
  }

  /**
   * A damaged chunk, or one past where the next must start (one before it was lost): the leader resends
   * from there. Once per offset, so a window of chunks after one gap asks once; the last chunk always asks.
   */
  private Message gap(Message m, int self, long term) {
    if (rejectedAt == expected && !m.lastChunk()) {
      return null;
    }
    rejectedAt = expected;
    return status(m.from(), self, term, true);
  }

  /** Chunks refused for a bad checksum since start. */
  long chunksRefused() {
    return chunksRefused;
  }

  /** The status acknowledging the chunks just drained: leaves with their Ready, after the write. */
  Message acknowledgement(int self, long term) {
    return status(stagedFrom, self, term, false);
  }

  Message status(int leader, int self, long term, boolean reject) {
    return Message.of(MessageType.SNAPSHOT_STATUS, self, leader, term)
        .snapshot(meta, 0, null, false).log(expected, 0).rejected(reject).build();
  }

  private static byte[] verified(byte[] chunk) {
    if (chunk.length < 4) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(chunk, 4, chunk.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(chunk).getInt()) {
      return null;
    }
    return Arrays.copyOfRange(chunk, 4, chunk.length);
  }
}
