package io.chronik.broker.archive;

import io.chronik.broker.archive.ArchiveManifest.ArchivedFile;
import io.chronik.broker.replication.ArchiveTarget;
import io.chronik.raft.storage.SegmentFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Archives one Raft group this node leads: every segment up to the group's commit index (the last one
 * cut at it) and the group's state files, each under a name that says what it holds (a segment object
 * is named for its last index, a state file for its SHA-256) and how it is encoded
 * ({@link ArchiveCompression}), then the manifest. The objects are sent on the upload pool, several at
 * once (of this group and of others); the manifest only once all of them are in. Objects already in the
 * previous manifest are not sent again; the manifest before it stays as {@code manifest.prev}, and
 * objects neither names are deleted, so the archive keeps two generations.
 */
public final class GroupArchiver {
  static final String MANIFEST = "manifest";
  static final String MANIFEST_PREVIOUS = "manifest.prev";

  private final ArchiveClient client;
  private final ArchiveLocation location;
  private final int nodeId;
  private final Path scratch;
  private final ArchiveCompression compression;
  private final Executor uploads;
  private final AtomicLong bytesUploaded = new AtomicLong();
  /** Fully committed segments already scanned: the same file (name, size, mtime) needs no second scan. */
  private final Map<String, SegmentFiles.Prefix> closedScans = new HashMap<>();

  /**
   * @param scratch where gzip objects are staged on their way out (their size must be known before the PUT)
   * @param uploads runs the object uploads and the manifest writes; its threads bound how many run at once
   */
  public GroupArchiver(ArchiveClient client, ArchiveLocation location, int nodeId, Path scratch,
      ArchiveCompression compression, Executor uploads) {
    this.client = client;
    this.location = location;
    this.nodeId = nodeId;
    this.scratch = scratch;
    this.compression = compression;
    this.uploads = uploads;
  }

  public ArchiveLocation location() {
    return location;
  }

  /** Bytes of objects sent to the archive since start, as archived (gzip or not; metrics). */
  public double bytesUploaded() {
    return bytesUploaded.get();
  }

  /**
   * Brings the group's archive up to its commit index: looks at the files on the caller's thread, sends
   * what is new on the upload pool, and completes with the manifest now in the archive (the previous one
   * when nothing changed), or with the first failure (then no manifest was written). The caller must not
   * start the same group again before this completes.
   */
  public CompletableFuture<ArchiveManifest> archive(ArchiveTarget target, ArchiveManifest previous)
      throws IOException {
    String folder = location.groupFolder(nodeId, target.groupDir());
    ArchiveManifest prior = previous != null ? previous : stored(folder);
    Map<String, ArchivedFile> known = new HashMap<>();
    if (prior != null) {
      // by stem: objects sent before a change of archive.compression are kept, not sent again
      prior.files().forEach(f -> known.put(ArchiveCompression.stem(f.object()), f));
    }
    List<CompletableFuture<ArchivedFile>> files = new ArrayList<>();
    long archivedIndex = segments(target, folder, known, files);
    for (String name : SegmentFiles.STATE_FILES) {
      stateFile(target.directory().resolve(name), folder, known, files);
    }
    return CompletableFuture.allOf(files.toArray(CompletableFuture[]::new)).thenApply(done -> finish(target, folder,
        archivedIndex, files.stream().map(CompletableFuture::join).toList(), prior));
  }

  /** Runs {@code upload} on the pool; its IOException fails the future. */
  private CompletableFuture<ArchivedFile> send(Upload upload) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return upload.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, uploads);
  }

  /** One object's upload. */
  private interface Upload {
    ArchivedFile run() throws IOException;
  }

  /** Every object is in: writes the manifest (after the previous one moved to {@code manifest.prev}). */
  private ArchiveManifest finish(ArchiveTarget target, String folder, long archivedIndex, List<ArchivedFile> files,
      ArchiveManifest previous) {
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
  private long segments(ArchiveTarget target, String folder, Map<String, ArchivedFile> known,
      List<CompletableFuture<ArchivedFile>> files) throws IOException {
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
      String stem = name + "-" + prefix.lastIndex();
      String object = compression.object(stem);
      ArchivedFile done = known.get(stem);
      long bytes = prefix.bytes();
      long lastIndex = prefix.lastIndex();
      files.add(done != null && done.bytes() == bytes ? CompletableFuture.completedFuture(done)
          : send(() -> upload(segment, bytes, name, folder, object, lastIndex)));
      archivedIndex = prefix.lastIndex();
      if (prefix.lastIndex() != nextBase - 1) {
        break; // cut at the commit index (or a frame not yet whole): nothing after it is contiguous
      }
    }
    return archivedIndex;
  }

  /**
   * Committed bytes of the group's log not in {@code archived} (null: nothing archived yet): closed
   * segments past its archived index whole, the rest of the one it was cut in, and the newest segment up to
   * {@code commitIndex} (scanned, so a preallocated file's zeros do not count).
   */
  static long unarchivedBytes(Path directory, ArchiveManifest archived, long commitIndex) throws IOException {
    Map<String, Long> sent = new HashMap<>();
    long archivedIndex = archived == null ? 0 : archived.archivedIndex();
    if (archived != null) {
      archived.files().stream().filter(ArchivedFile::segment).forEach(f -> sent.merge(f.name(), f.bytes(), Math::max));
    }
    List<Path> segments = SegmentFiles.list(directory);
    long lag = 0;
    for (int i = 0; i < segments.size(); i++) {
      Path segment = segments.get(i);
      Long done = sent.get(segment.getFileName().toString());
      if (done == null && SegmentFiles.baseIndex(segment) <= archivedIndex) {
        continue; // below the archive (a segment the cleaner rewrote): not backlog
      }
      long size;
      try {
        size = i == segments.size() - 1 ? SegmentFiles.committedPrefix(segment, commitIndex).bytes()
            : Files.size(segment);
      } catch (NoSuchFileException e) {
        continue; // retention deleted it while we looked
      }
      lag += Math.max(0, size - (done == null ? 0 : done));
    }
    return lag;
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

  private void stateFile(Path file, String folder, Map<String, ArchivedFile> known,
      List<CompletableFuture<ArchivedFile>> files) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return;
    }
    String sha = HexFormat.of().formatHex(sha256().digest(bytes));
    String name = file.getFileName().toString();
    String stem = name + "-" + sha.substring(0, 16);
    String object = compression.object(stem);
    ArchivedFile done = known.get(stem);
    if (done != null) {
      files.add(CompletableFuture.completedFuture(done));
      return;
    }
    files.add(send(() -> {
      if (compression == ArchiveCompression.NONE) {
        client.put(folder + object, bytes);
        bytesUploaded.addAndGet(bytes.length);
        return new ArchivedFile(name, object, bytes.length, sha, -1);
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
      return new ArchivedFile(name, object, bytes.length, sha, -1);
    }));
  }

  /**
   * Sends the first {@code bytes} of {@code file}: as they are, straight from the file (after a pass that
   * hashes them), or gzip-compressed into a scratch file while hashing the raw bytes.
   */
  private ArchivedFile upload(Path file, long bytes, String name, String folder, String object, long lastIndex)
      throws IOException {
    MessageDigest sha = sha256();
    if (compression == ArchiveCompression.NONE) {
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
        copy(in, out, bytes);
      }
      client.put(folder + object, file, bytes);
      bytesUploaded.addAndGet(bytes);
      return new ArchivedFile(name, object, bytes, HexFormat.of().formatHex(sha.digest()), lastIndex);
    }
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
