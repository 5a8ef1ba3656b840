package io.chronik.pipeline.completion;

/**
 * Receives completions on the executor the request was published with (the Netty event loop of its
 * connection). One callback object usually serves many requests (one per connection); {@code cookie}
 * is the caller's own request key, so completing needs no allocation per message.
 */
@FunctionalInterface
public interface AppendCallback {
  /** @param index the append's log index in its group, or -1 when it was not appended */
  void onAppendCompleted(long cookie, int groupId, long index, AppendStatus status);
}
