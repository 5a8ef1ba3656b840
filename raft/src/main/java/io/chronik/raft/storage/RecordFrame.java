package io.chronik.raft.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * On-disk framing of one log entry (big-endian):
 *
 * <pre>
 *   0  int   crc32c   over bytes 4 .. 36+length (header fields and payload)
 *   4  int   length   payload bytes
 *   8  long  index    Raft index
 *  16  long  term     Raft term
 *  24  long  key      caller key (e.g. Kafka base offset), {@link #NO_KEY} if none
 *  32  int   kind     caller's entry kind (e.g. normal or configuration entry)
 *  36  byte[length] payload
 * </pre>
 *
 * A frame of zero bytes is never valid (its CRC is not zero), so a preallocated, zero-filled
 * tail reads as "end of log".
 */
final class RecordFrame {
  static final int HEADER_BYTES = 36;
  static final int CRC_OFFSET = 0;
  static final int LENGTH_OFFSET = 4;
  static final int INDEX_OFFSET = 8;
  static final int TERM_OFFSET = 16;
  static final int KEY_OFFSET = 24;
  static final int KIND_OFFSET = 32;

  /** Key of an entry that has none (e.g. a Raft no-op or configuration entry). */
  static final long NO_KEY = Long.MIN_VALUE;

  private RecordFrame() {}

  /** Fills {@code header} (positions 0..36, absolute) and returns the CRC over header and payload. */
  static int encodeHeader(ByteBuffer header, CRC32C crc, long index, long term, long key, int kind, ByteBuffer payload) {
    header.putInt(LENGTH_OFFSET, payload.remaining());
    header.putLong(INDEX_OFFSET, index);
    header.putLong(TERM_OFFSET, term);
    header.putLong(KEY_OFFSET, key);
    header.putInt(KIND_OFFSET, kind);
    crc.reset();
    crc.update(header.duplicate().position(LENGTH_OFFSET).limit(HEADER_BYTES));
    crc.update(payload.duplicate());
    int value = (int) crc.getValue();
    header.putInt(CRC_OFFSET, value);
    return value;
  }

  /** CRC of a frame held in {@code frame} from absolute {@code start}, {@code length} payload bytes. */
  static int checksum(ByteBuffer frame, int start, int length, CRC32C crc) {
    crc.reset();
    crc.update(frame.duplicate().limit(start + HEADER_BYTES + length).position(start + LENGTH_OFFSET));
    return (int) crc.getValue();
  }
}
