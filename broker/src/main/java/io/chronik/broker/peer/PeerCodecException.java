package io.chronik.broker.peer;

/**
 * A peer frame that cannot be decoded. The message reads key=value ({@code reason=... offset=...});
 * the receiving connection is closed, since after a bad frame its byte stream cannot be trusted.
 */
public final class PeerCodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final int offset;

  PeerCodecException(String reason, int offset, String detail) {
    super("reason=" + reason + " offset=" + offset + (detail.isEmpty() ? "" : " " + detail));
    this.reason = reason;
    this.offset = offset;
  }

  /** Short machine-readable cause, e.g. {@code truncated}, {@code bad-magic}. */
  public String reason() {
    return reason;
  }

  /** Byte offset of the offending field from the start of the decoded buffer. */
  public int offset() {
    return offset;
  }
}
