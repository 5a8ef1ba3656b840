package io.chronik.broker.partition;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Hands out producer ids that are never reused across restarts: ids are reserved in blocks, and
 * the end of the current block is made durable before any id of it is handed out.
 */
public final class ProducerIdAllocator {
  private final Path file;
  private final int blockSize;
  private long next;
  private long blockEnd;

  public ProducerIdAllocator(Path dataDir, int blockSize) throws IOException {
    this.file = dataDir.resolve("producer-id-block");
    this.blockSize = blockSize;
    long reserved = Files.exists(file)
        ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) : 0;
    next = reserved;
    blockEnd = reserved;
  }

  public long allocate() throws IOException {
    if (next >= blockEnd) {
      long end = blockEnd + blockSize;
      Path tmp = file.resolveSibling("producer-id-block.tmp");
      Files.writeString(tmp, Long.toString(end), StandardCharsets.US_ASCII);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      TopicRegistry.syncDirectory(file.getParent());
      blockEnd = end;
    }
    return next++;
  }
}
