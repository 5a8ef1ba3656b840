package io.chronik.broker.peer;

import io.chronik.pipeline.driver.GroupMessage;
import java.util.function.Predicate;

/**
 * An inbound sink that keeps state per connection: {@link NettyPeerTransport} asks it for one sink per accepted
 * connection, so what a peer said about itself on one connection (which incarnation of its data dir sends) holds
 * for exactly the messages that followed on that connection. Used as a plain sink where a transport has no
 * connections.
 */
public interface ConnectionSinks extends Predicate<GroupMessage> {
  /** The sink of one new inbound connection: called on its event loop, then used by that connection only. */
  Predicate<GroupMessage> connection();
}
