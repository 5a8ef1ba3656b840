package io.chronik.broker;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data dir's identity, in Kafka's {@code meta.properties} format ({@code version=1}, {@code node.id},
 * {@code directory.id}): which node the dir belongs to, and which incarnation of its disk (KIP-853's replica
 * directory id). Written once, when a dir without one is first started (fsynced to a temporary file, renamed
 * over, the dir fsynced: a crash leaves the old state or the whole file, never half of it); read at every
 * start. A dir formatted for another node id stops the start ({@link MetaPropertiesException}): a config
 * pointing a node at another node's disk would otherwise vote twice in every group the two share.
 *
 * <p>A lost disk comes back empty, so its node gets a new directory id: the metadata records it at the
 * node's registration, and DescribeQuorum shows it.
 */
public record MetaProperties(int nodeId, Uuid directoryId) {
  public static final String FILE = "meta.properties";
  static final String VERSION = "1";
  private static final Logger LOG = LoggerFactory.getLogger(MetaProperties.class);

  /** Reads the dir's identity, or formats it with a fresh directory id; refuses another node's dir. */
  public static MetaProperties loadOrFormat(Path dataDir, int nodeId) throws IOException {
    Path file = dataDir.resolve(FILE);
    Files.deleteIfExists(dataDir.resolve(FILE + ".tmp")); // a format that crashed before its rename
    if (!Files.exists(file)) {
      MetaProperties fresh = new MetaProperties(nodeId, Uuid.randomUuid());
      fresh.write(dataDir);
      LOG.info("file={} node.id={} directory.id={} action=formatted", file, nodeId, fresh.directoryId());
      return fresh;
    }
    MetaProperties stored = parse(file, Files.readString(file, StandardCharsets.UTF_8));
    if (stored.nodeId() != nodeId) {
      throw new MetaPropertiesException("file=" + file + " key=node.id stored=" + stored.nodeId() + " configured="
          + nodeId + " reason=data-dir-belongs-to-another-node");
    }
    return stored;
  }

  /**
   * Replaces the dir's identity by this node's registered one (a data dir restored from the archive, whose
   * cluster is the old one refounded: docs/STORAGE.md "Restore"), written as at a format.
   */
  public MetaProperties adopt(Path dataDir, Uuid registered) throws IOException {
    MetaProperties adopted = new MetaProperties(nodeId, registered);
    Files.deleteIfExists(dataDir.resolve(FILE + ".tmp"));
    adopted.write(dataDir);
    LOG.info("file={} node.id={} directory.id={} action=adopted", dataDir.resolve(FILE), nodeId, registered);
    return adopted;
  }

  /** Parses the file's text; a missing or malformed key is refused with the file and the key named. */
  static MetaProperties parse(Path file, String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new MetaPropertiesException("file=" + file + " reason=unreadable detail=[" + e.getMessage() + "]");
    }
    String version = required(file, p, "version");
    if (!VERSION.equals(version)) {
      throw new MetaPropertiesException("file=" + file + " key=version value=" + version + " reason=unsupported");
    }
    String id = required(file, p, "node.id");
    String dir = required(file, p, "directory.id");
    int nodeId;
    try {
      nodeId = Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new MetaPropertiesException("file=" + file + " key=node.id value=" + id + " reason=not-an-integer");
    }
    Uuid directoryId;
    try {
      directoryId = Uuid.fromString(dir);
    } catch (IllegalArgumentException e) {
      throw new MetaPropertiesException("file=" + file + " key=directory.id value=" + dir + " reason=not-a-uuid");
    }
    return new MetaProperties(nodeId, directoryId);
  }

  private static String required(Path file, Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new MetaPropertiesException("file=" + file + " key=" + key + " reason=missing");
    }
    return v.trim();
  }

  /** Kafka's layout: a comment line, then the keys. */
  String text() {
    return "#\n#Written by Chronik\ndirectory.id=" + directoryId + "\nnode.id=" + nodeId + "\nversion=" + VERSION
        + "\n";
  }

  private void write(Path dataDir) throws IOException {
    Path tmp = dataDir.resolve(FILE + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(text().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /** The data dir's identity file is unreadable or names another node: the start stops (exit 78). */
  public static final class MetaPropertiesException extends RuntimeException {
    /** Exit status of a start refused for the data dir's identity (sysexits' EX_CONFIG). */
    public static final int EXIT_CODE = 78;

    MetaPropertiesException(String message) {
      super(message);
    }
  }
}
