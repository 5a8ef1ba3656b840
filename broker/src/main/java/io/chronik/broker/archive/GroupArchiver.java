package io.chronik.broker.archive;

import io.chronik.broker.archive.ArchiveManifest.ArchivedFile;
import io.chronik.broker.replication.ArchiveTarget;
import io.chronik.raft.storage.SegmentFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Archives one Raft group this node leads: every segment up to the group's commit index (the last one
 * cut at it) and the group's state files, each gzip-compressed under a name that says what it holds
 * (a segment object is named for its last index, a state file for its SHA-256), then the manifest.
 * Objects already in the previous manifest are not sent again; the manifest before it stays as
 * {@code manifest.prev}, and objects neither names are deleted, so the archive keeps two generations.
 */
public final class GroupArchiver {
  static final String MANIFEST = "manifest";
  static final String MANIFEST_PREVIOUS = "manifest.prev";

  private final ArchiveClient client;
  private final ArchiveLocation location;
  private final int nodeId;
  private final Path scratch;
  private final AtomicLong bytesUploaded = new AtomicLong();
  /** Fully committed segments already scanned: the same file (name, size, mtime) needs no second scan. */
  private final Map<String, SegmentFiles.Prefix> closedScans = new HashMap<>();

  public GroupArchiver(ArchiveClient client, ArchiveLocation location, int nodeId, Path scratch) {
    this.client = client;
    this.location = location;
    this.nodeId = nodeId;
    this.scratch = scratch;
  }

  public ArchiveLocation location() {
    return location;
  }

  /** Compressed bytes sent to the archive since start (metrics). */
  public double bytesUploaded() {
    return bytesUploaded.get();
  }

  /**
   * Brings the group's archive up to its commit index; returns the manifest now in the archive (the
   * previous one when nothing changed).
   */
  public ArchiveManifest archive(ArchiveTarget target, ArchiveManifest previous) throws IOException, ArchiveException {
    String folder = location.groupFolder(nodeId, target.groupDir());
    if (previous == null) {
      previous = stored(folder);
    }
    Map<String, ArchivedFile> known = new HashMap<>();
    if (previous != null) {
      previous.files().forEach(f -> known.put(f.object(), f));
    }
    List<ArchivedFile> files = new ArrayList<>();
    long archivedIndex = segments(target, folder, known, files);
    for (String name : SegmentFiles.STATE_FILES) {
      stateFile(target.directory().resolve(name), folder, known, files);
    }
    ArchiveManifest next = new ArchiveManifest(target.groupDir(), nodeId, archivedIndex, System.currentTimeMillis(),
        files);
    if (next.sameContent(previous)) {
      return previous;
    }
    if (previous != null) {
      client.put(folder + MANIFEST_PREVIOUS, previous.encode());
    }
    client.put(folder + MANIFEST, next.encode());
    deleteUnreferenced(folder, next, previous);
    return next;
  }

  private ArchiveManifest stored(String folder) {
    try {
      return ArchiveManifest.decode(client.get(folder + MANIFEST), folder + MANIFEST);
    } catch (NoSuchKeyException | ArchiveException e) {
      // nothing usable there: this round writes every object again
      return null;
    }
  }

  /** Adds the committed segments to {@code files}; returns the last index they hold. */
  private long segments(ArchiveTarget target, String folder, Map<String, ArchivedFile> known, List<ArchivedFile> files)
      throws IOException {
    List<Path> segments = SegmentFiles.list(target.directory());
    long archivedIndex = 0;
    for (int i = 0; i < segments.size(); i++) {
      Path segment = segments.get(i);
      long base = SegmentFiles.baseIndex(segment);
      if (base > target.commitIndex()) {
        break;
      }
      long nextBase = i + 1 < segments.size() ? SegmentFiles.baseIndex(segments.get(i + 1)) : Long.MAX_VALUE;
      SegmentFiles.Prefix prefix;
      try {
        prefix = nextBase - 1 <= target.commitIndex() ? closedScan(segment) : SegmentFiles.committedPrefix(segment,
            target.commitIndex());
      } catch (NoSuchFileException e) {
        break; // retention deleted it while we looked: the next round starts above it
      }
      if (prefix.bytes() == 0) {
        break;
      }
      String name = segment.getFileName().toString();
      String object = name + "-" + prefix.lastIndex() + ".gz";
      ArchivedFile done = known.get(object);
      files.add(done != null && done.bytes() == prefix.bytes() ? done
          : upload(segment, prefix.bytes(), name, folder, object, prefix.lastIndex()));
      archivedIndex = prefix.lastIndex();
      if (prefix.lastIndex() != nextBase - 1) {
        break; // cut at the commit index (or a frame not yet whole): nothing after it is contiguous
      }
    }
    return archivedIndex;
  }

  private SegmentFiles.Prefix closedScan(Path segment) throws IOException {
    String key = segment + "@" + Files.size(segment) + "@" + Files.getLastModifiedTime(segment).toMillis();
    SegmentFiles.Prefix cached = closedScans.get(key);
    if (cached == null) {
      if (closedScans.size() > 100_000) {
        closedScans.clear(); // names of segments retention deleted long ago; rescanning is only slower
      }
      cached = SegmentFiles.committedPrefix(segment, Long.MAX_VALUE);
      closedScans.put(key, cached);
    }
    return cached;
  }

  private void stateFile(Path file, String folder, Map<String, ArchivedFile> known, List<ArchivedFile> files)
      throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return;
    }
    String sha = HexFormat.of().formatHex(sha256().digest(bytes));
    String name = file.getFileName().toString();
    String object = name + "-" + sha.substring(0, 16) + ".gz";
    ArchivedFile done = known.get(object);
    if (done != null) {
      files.add(done);
      return;
    }
    Path gz = Files.createTempFile(scratch, "archive-", ".gz");
    try {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
        out.write(bytes);
      }
      client.put(folder + object, gz);
      bytesUploaded.addAndGet(Files.size(gz));
    } finally {
      Files.deleteIfExists(gz);
    }
    files.add(new ArchivedFile(name, object, bytes.length, sha, -1));
  }

  /** Compresses the first {@code bytes} of {@code file} into a scratch file, hashing the raw bytes, and sends it. */
  private ArchivedFile upload(Path file, long bytes, String name, String folder, String object, long lastIndex)
      throws IOException {
    MessageDigest sha = sha256();
    Path gz = Files.createTempFile(scratch, "archive-", ".gz");
    try {
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = new DigestOutputStream(new GZIPOutputStream(Files.newOutputStream(gz), 1 << 16), sha)) {
        copy(in, out, bytes);
      }
      client.put(folder + object, gz);
      bytesUploaded.addAndGet(Files.size(gz));
    } finally {
      Files.deleteIfExists(gz);
    }
    return new ArchivedFile(name, object, bytes, HexFormat.of().formatHex(sha.digest()), lastIndex);
  }

  static void copy(InputStream in, OutputStream out, long bytes) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = bytes;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("reason=file-shorter-than-expected missingBytes=" + left);
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private void deleteUnreferenced(String folder, ArchiveManifest next, ArchiveManifest previous) {
    Set<String> keep = new HashSet<>(List.of(folder + MANIFEST, folder + MANIFEST_PREVIOUS));
    next.files().forEach(f -> keep.add(folder + f.object()));
    if (previous != null) {
      previous.files().forEach(f -> keep.add(folder + f.object()));
    }
    List<String> stale = client.list(folder).stream().filter(k -> !keep.contains(k)).toList();
    if (!stale.isEmpty()) {
      client.delete(stale);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("digest=SHA-256 reason=missing-from-jdk", e);
    }
  }
}
