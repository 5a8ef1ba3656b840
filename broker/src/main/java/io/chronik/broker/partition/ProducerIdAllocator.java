package io.chronik.broker.partition;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Hands out producer ids that are never reused across restarts or across nodes: ids are reserved in
 * blocks, the end of the current block is made durable before any id of it is handed out, and an id
 * is {@code counter * 64 + nodeId}. A node without a saved block (new or wiped) starts its counter at
 * the wall clock in milliseconds, above anything it could have handed out before a wipe.
 */
public final class ProducerIdAllocator {
  private final Path file;
  private final int blockSize;
  private long next;
  private long blockEnd;

  private static final int NODE_ID_LIMIT = 64;
  private final int nodeId;

  public ProducerIdAllocator(Path dataDir, int blockSize, int nodeId) throws IOException {
    this.file = dataDir.resolve("producer-id-block");
    this.blockSize = blockSize;
    this.nodeId = nodeId;
    long reserved = Files.exists(file)
        ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) : System.currentTimeMillis();
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
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
      blockEnd = end;
    }
    return next++ * NODE_ID_LIMIT + nodeId;
  }
}
