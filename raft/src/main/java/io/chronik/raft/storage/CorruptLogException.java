package io.chronik.raft.storage;

import java.io.IOException;

/**
 * Durable data is damaged: a record that must be there is missing or fails its checksum. Storage
 * refuses to start (or to serve the record) rather than hand out or silently drop durable data.
 */
public final class CorruptLogException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;
  private final String reason;

  public CorruptLogException(String file, long offset, String reason, String detail) {
    super("segment=" + file + " offset=" + offset + " reason=" + reason
        + (detail.isEmpty() ? "" : " " + detail));
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  public String reason() {
    return reason;
  }
}
