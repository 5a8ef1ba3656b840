package io.chronik.control.disk;

import java.util.Locale;

/**
 * What {@link LazyFs} makes failing calls return while errors are switched on (the disk-eio and
 * disk-full faults); {@link #OFF} serves every call again. The name in lower case is the word of the
 * request file ({@code disk-errors.request}) and of its answer.
 */
public enum DiskErrors {
  /** Every call succeeds as the backing directory lets it. */
  OFF,
  /** A failing disk: write and fsync (files and directories) return EIO; reads, creations and renames work. */
  EIO,
  /** A full disk: write, create, mkdir, growing truncate and fsync return ENOSPC; reads, unlink and rename work. */
  ENOSPC;

  /** The request file's word. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode a request file's word names; throws on anything else. */
  public static DiskErrors of(String word) {
    for (DiskErrors e : values()) {
      if (e.word().equals(word.strip())) {
        return e;
      }
    }
    throw new IllegalArgumentException("disk-errors=" + word.strip() + " reason=unknown known=off,eio,enospc");
  }
}
