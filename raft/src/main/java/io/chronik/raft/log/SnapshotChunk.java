package io.chronik.raft.log;

/**
 * One chunk of a leader's snapshot image as a follower received it (its per-chunk checksum already
 * checked): the driver hands it to {@link LogStorage#persistSnapshotChunk}, which appends it to what
 * the storage holds of that image.
 *
 * @param meta     the snapshot the image belongs to
 * @param offset   position of {@code data} in the image
 * @param data     the chunk's image bytes (may be empty for a last chunk)
 * @param last     the image ends with this chunk
 * @param imageCrc with {@code last}: CRC32C of the whole image, as the leader read it
 */
public record SnapshotChunk(SnapshotMeta meta, long offset, byte[] data, boolean last, int imageCrc) {}
