package io.chronik.broker.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * What one node archived of one Raft group: the committed prefix of its log up to
 * {@code archivedIndex} as whole segment files (the last one cut at that index), plus its small state
 * files ({@code log.meta}, snapshots). Each file names the gzip object holding it and the SHA-256 and
 * size of its raw bytes; the manifest ends with a CRC32C over everything before it, so a torn or
 * edited manifest is refused rather than half read.
 *
 * <pre>
 * chronik-archive-manifest 1
 * group=p3-orders-0
 * node=1
 * archivedIndex=5234
 * createdMs=1764921600000
 * file name=00000000000000000001.log object=00000000000000000001.log-4096.gz bytes=1048210 sha256=… lastIndex=4096
 * file name=log.meta object=log.meta-1a2b3c4d.gz bytes=28 sha256=… lastIndex=-1
 * crc32c=5f3e2a10
 * </pre>
 */
public record ArchiveManifest(String group, int node, long archivedIndex, long createdMs, List<ArchivedFile> files) {
  static final String MAGIC = "chronik-archive-manifest 1";

  /** One archived file; {@code lastIndex} is the last Raft index a segment holds, -1 for other files. */
  public record ArchivedFile(String name, String object, long bytes, String sha256, long lastIndex) {
    public boolean segment() {
      return lastIndex >= 0;
    }
  }

  public ArchiveManifest {
    files = List.copyOf(files);
  }

  /** Same content, whenever written: tells a round whether it has anything new to say. */
  public boolean sameContent(ArchiveManifest other) {
    return other != null && group.equals(other.group) && node == other.node && archivedIndex == other.archivedIndex
        && files.equals(other.files);
  }

  public byte[] encode() {
    StringBuilder b = new StringBuilder(MAGIC).append('\n');
    b.append("group=").append(group).append('\n');
    b.append("node=").append(node).append('\n');
    b.append("archivedIndex=").append(archivedIndex).append('\n');
    b.append("createdMs=").append(createdMs).append('\n');
    for (ArchivedFile f : files) {
      b.append("file name=").append(f.name).append(" object=").append(f.object).append(" bytes=").append(f.bytes)
          .append(" sha256=").append(f.sha256).append(" lastIndex=").append(f.lastIndex).append('\n');
    }
    String body = b.toString();
    return (body + "crc32c=" + Integer.toHexString(crc(body)) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Parses and checks a manifest; {@code source} names it in errors. */
  public static ArchiveManifest decode(byte[] bytes, String source) throws ArchiveException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int crcAt = text.lastIndexOf("crc32c=");
    if (!text.startsWith(MAGIC + "\n") || crcAt < 0 || !text.endsWith("\n")) {
      throw new ArchiveException("manifest=" + source + " bytes=" + bytes.length + " reason=not-a-manifest-or-torn");
    }
    String body = text.substring(0, crcAt);
    String stored = text.substring(crcAt + "crc32c=".length()).trim();
    String actual = Integer.toHexString(crc(body));
    if (!actual.equals(stored)) {
      throw new ArchiveException("manifest=" + source + " crc32c=" + stored + " actual=" + actual + " reason=damaged");
    }
    try {
      return parse(body.split("\n"));
    } catch (RuntimeException e) {
      throw new ArchiveException("manifest=" + source + " reason=malformed error=" + e.getMessage(), e);
    }
  }

  private static ArchiveManifest parse(String[] lines) {
    Map<String, String> header = new HashMap<>();
    List<ArchivedFile> files = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("file ")) {
        Map<String, String> f = fields(line.substring("file ".length()));
        files.add(new ArchivedFile(required(f, "name"), required(f, "object"), Long.parseLong(required(f, "bytes")),
            required(f, "sha256"), Long.parseLong(required(f, "lastIndex"))));
      } else if (!line.isEmpty()) {
        header.putAll(fields(line));
      }
    }
    return new ArchiveManifest(required(header, "group"), Integer.parseInt(required(header, "node")),
        Long.parseLong(required(header, "archivedIndex")), Long.parseLong(required(header, "createdMs")), files);
  }

  private static Map<String, String> fields(String text) {
    Map<String, String> m = new HashMap<>();
    for (String part : text.trim().split(" ")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("field=" + part);
      }
      m.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return m;
  }

  private static String required(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing=" + key);
    }
    return v;
  }

  private static int crc(String body) {
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return (int) crc.getValue();
  }
}
