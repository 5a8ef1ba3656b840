package io.chronik.pipeline.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDurableWriterTest {
  @TempDir
  Path dir;

  private static ByteBuffer bytes(int size, int fill) {
    ByteBuffer data = ByteBuffer.allocate(size);
    for (int i = 0; i < size; i++) {
      data.put(i, (byte) (fill + i));
    }
    return data;
  }

  @Test
  void readsBackEntriesInOrderIncludingFramesLargerThanTheBuffer() throws Exception {
    Path file = dir.resolve("node.log");
    long synced;
    ByteBuffer large = bytes(300, 7);
    try (FileDurableWriter writer = FileDurableWriter.open(file, 128)) {
      writer.append(1, 1, 2, bytes(10, 1));
      writer.hardState(1, 2, 0, 1);
      writer.append(1, 2, 2, large);
      writer.append(3, 1, 2, bytes(40, 3));
      synced = writer.sync();
    }
    // the writer read the payloads without moving them
    assertThat(large.position()).isZero();
    List<String> entries = new ArrayList<>();
    long valid = LogFileReader.readEntries(file, (group, index, term, data) ->
        entries.add(group + "/" + index + "/" + term + "/" + data.remaining() + "/" + data.get(data.remaining() - 1)));
    assertThat(entries).containsExactly("1/1/2/10/10", "1/2/2/300/" + (byte) (7 + 299), "3/1/2/40/42");
    assertThat(valid).isEqualTo(synced);
  }

  @Test
  void readerStopsAtATornTail() throws Exception {
    Path file = dir.resolve("node.log");
    long firstFrameEnd;
    try (FileDurableWriter writer = FileDurableWriter.open(file, 1024)) {
      writer.append(0, 1, 1, bytes(20, 0));
      firstFrameEnd = writer.sync();
      writer.append(0, 2, 1, bytes(20, 0));
      writer.sync();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 5);
    }
    List<Long> indexes = new ArrayList<>();
    long valid = LogFileReader.readEntries(file, (group, index, term, data) -> indexes.add(index));
    assertThat(indexes).containsExactly(1L);
    assertThat(valid).isEqualTo(firstFrameEnd);
  }
}
