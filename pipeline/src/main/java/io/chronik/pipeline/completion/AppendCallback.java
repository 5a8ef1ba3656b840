package io.chronik.pipeline.completion;

/**
 * Receives completions on the executor the request was published with (the Netty event loop of its
 * connection). One callback object usually serves many requests (one per connection); {@code cookie}
 * is the caller's own request key, so completing needs no allocation per message.
 *
 * <p>Each value has its own parameter, whatever the status: a log index is never an offset or an error
 * code.
 */
@FunctionalInterface
public interface AppendCallback {
  /** {@code logIndex} of an append that was not appended. */
  long NO_INDEX = -1;
  /** {@code originalOffset} of an append that is not a duplicate. */
  long NO_OFFSET = -1;
  /** {@code refusalCode} of an append the application did not refuse. */
  short NO_REFUSAL = 0;

  /**
   * @param logIndex SUCCESS: the append's log index in its group; otherwise {@link #NO_INDEX}
   * @param originalOffset DUPLICATE: the application's offset of the original append (the broker's base
   *     offset); otherwise {@link #NO_OFFSET}
   * @param refusalCode REFUSED: the application's error code; otherwise {@link #NO_REFUSAL}
   */
  void onAppendCompleted(long cookie, int groupId, AppendStatus status, long logIndex, long originalOffset,
      short refusalCode);
}
