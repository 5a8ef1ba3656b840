package io.chronik.broker.replication;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.PeerTransport;
import java.util.List;

/** The peer transport of a one-node cluster: there is no peer, so nothing is ever addressed to one. */
public final class SoloTransport implements PeerTransport<GroupMessage> {
  private long dropped;

  @Override
  public void send(int nodeId, List<GroupMessage> messages) {
    dropped += messages.size();
  }

  @Override
  public void flush() {
    // nothing buffered
  }

  /** Messages addressed to a node that does not exist (should stay 0). */
  public long dropped() {
    return dropped;
  }
}
