package io.chronik.pipeline.commit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/** Reads back the frames of a {@link FileDurableWriter} file, stopping at the first torn or corrupt frame. */
public final class LogFileReader {
  /** Receives entry frames in file order. */
  @FunctionalInterface
  public interface EntryVisitor {
    void entry(int groupId, long index, long term, ByteBuffer data);
  }

  private LogFileReader() {
  }

  /** @return bytes of valid frames (the recoverable prefix) */
  public static long readEntries(Path path, EntryVisitor visitor) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      CRC32C crc = new CRC32C();
      while (file.remaining() >= FileDurableWriter.FRAME_HEADER) {
        int start = file.position();
        int length = file.getInt(start);
        if (length < FileDurableWriter.HEADER_AFTER_LENGTH || length > file.remaining() - 4) {
          break;
        }
        crc.reset();
        ByteBuffer covered = file.duplicate().position(start + 8).limit(start + 4 + length);
        crc.update(covered);
        if ((int) crc.getValue() != file.getInt(start + 4)) {
          break;
        }
        byte type = file.get(start + 8);
        if (type == FileDurableWriter.TYPE_ENTRY) {
          ByteBuffer data = file.duplicate().position(start + FileDurableWriter.FRAME_HEADER)
              .limit(start + 4 + length).slice();
          visitor.entry(file.getInt(start + 9), file.getLong(start + 13), file.getLong(start + 21), data);
        }
        file.position(start + 4 + length);
      }
      return file.position();
    }
  }
}
