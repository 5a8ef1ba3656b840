package io.chronik.pipeline.driver;

import java.util.List;

/**
 * Sends Raft messages to peer nodes. The driver calls {@link #send} at most once per peer per loop,
 * with every group's messages for that peer (heartbeats of all groups in one write), then
 * {@link #flush} once. Called on the driver thread; must not block on the network (a Netty channel
 * write is queued).
 *
 * @param <M> the peer message type
 */
public interface PeerTransport<M> {
  /** Queues the messages for {@code nodeId}; the list is reused by the driver after the call returns. */
  void send(int nodeId, List<M> messages);

  /** Writes everything queued since the last flush (one syscall per peer connection). */
  void flush();

  /**
   * Whether a connection to {@code nodeId} is open now (any thread). A transport that cannot tell says
   * true; a closed connection (e.g. the peer process died) lets liveness detection act at once.
   */
  default boolean connected(int nodeId) {
    return true;
  }

  /**
   * Any thread: writes one message to {@code nodeId} at once, outside the driver's per-loop batching
   * (node-level pings). False when not sent: not connected, or a transport that can only send from
   * the driver thread (the caller then queues it through the driver).
   */
  default boolean sendNow(int nodeId, M message) {
    return false;
  }
}
