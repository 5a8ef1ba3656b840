package io.chronik.pipeline.commit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * An append-only file of framed records with one {@code FileChannel.force} per {@link #sync()}.
 * Frames are copied into one direct buffer and written in large chunks.
 *
 * <p>Frame: {@code length:int crc32c:int type:byte group:int index:long term:long data} (big endian);
 * {@code length} counts the bytes after itself, the CRC covers everything after the CRC. A hard
 * state frame carries {@code vote:long commitIndex:long} in place of {@code index, term} followed by
 * {@code term:long}. {@link LogFileReader} reads it back.
 *
 * <p>Used where the Raft segmented storage is not wired in yet (tests, benchmark, single-node mode).
 */
public final class FileDurableWriter implements DurableWriter {
  static final byte TYPE_ENTRY = 1;
  static final byte TYPE_HARD_STATE = 2;
  /** crc + type + group + index + term. */
  static final int HEADER_AFTER_LENGTH = 4 + 1 + 4 + 8 + 8;
  static final int FRAME_HEADER = 4 + HEADER_AFTER_LENGTH;

  private final FileChannel channel;
  private final ByteBuffer buffer;
  private final CRC32C crc = new CRC32C();
  private long writtenBytes;

  private FileDurableWriter(FileChannel channel, int bufferBytes) throws IOException {
    this.channel = channel;
    this.buffer = ByteBuffer.allocateDirect(bufferBytes).order(ByteOrder.BIG_ENDIAN);
    this.writtenBytes = channel.size();
  }

  /** Opens (creating) {@code path} for appending. */
  public static FileDurableWriter open(Path path, int bufferBytes) throws IOException {
    if (bufferBytes < FRAME_HEADER + 16) {
      throw new IllegalArgumentException("bufferBytes=" + bufferBytes + " reason=too-small");
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    return new FileDurableWriter(channel, bufferBytes);
  }

  @Override
  public void append(int groupId, long index, long term, ByteBuffer data) throws IOException {
    int dataBytes = data.remaining();
    int frameBytes = FRAME_HEADER + dataBytes;
    if (frameBytes > buffer.remaining()) {
      drain();
    }
    if (frameBytes > buffer.capacity()) {
      appendLarge(groupId, index, term, data);
      return;
    }
    int start = buffer.position();
    buffer.putInt(frameBytes - 4).putInt(0).put(TYPE_ENTRY).putInt(groupId).putLong(index).putLong(term);
    buffer.put(buffer.position(), data, data.position(), dataBytes);
    buffer.position(buffer.position() + dataBytes);
    sealCrc(start);
  }

  @Override
  public void hardState(int groupId, long term, long vote, long commitIndex) throws IOException {
    int frameBytes = FRAME_HEADER + 8;
    if (frameBytes > buffer.remaining()) {
      drain();
    }
    int start = buffer.position();
    buffer.putInt(frameBytes - 4).putInt(0).put(TYPE_HARD_STATE).putInt(groupId).putLong(vote).putLong(commitIndex)
        .putLong(term);
    sealCrc(start);
  }

  @Override
  public long sync() throws IOException {
    drain();
    channel.force(false);
    return writtenBytes;
  }

  @Override
  public void close() throws IOException {
    try {
      drain();
    } finally {
      channel.close();
    }
  }

  /** Computes the CRC of the frame at {@code start} (up to the buffer position) into its CRC field. */
  private void sealCrc(int start) {
    int end = buffer.position();
    crc.reset();
    buffer.position(start + 8);
    buffer.limit(end);
    crc.update(buffer);
    buffer.limit(buffer.capacity());
    buffer.position(end);
    buffer.putInt(start + 4, (int) crc.getValue());
  }

  /** A frame larger than the buffer goes straight to the channel (rare: the buffer is sized for batches). */
  private void appendLarge(int groupId, long index, long term, ByteBuffer data) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
    header.putInt(FRAME_HEADER - 4 + data.remaining()).putInt(0).put(TYPE_ENTRY).putInt(groupId).putLong(index)
        .putLong(term);
    ByteBuffer body = data.duplicate();
    crc.reset();
    crc.update(header.array(), 8, FRAME_HEADER - 8);
    crc.update(body);
    body.position(data.position());
    header.putInt(4, (int) crc.getValue());
    header.flip();
    writeFully(header);
    writeFully(body);
  }

  private void drain() throws IOException {
    buffer.flip();
    writeFully(buffer);
    buffer.clear();
  }

  private void writeFully(ByteBuffer source) throws IOException {
    while (source.hasRemaining()) {
      writtenBytes += channel.write(source);
    }
  }
}
