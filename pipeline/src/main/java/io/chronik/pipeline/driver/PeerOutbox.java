package io.chronik.pipeline.driver;

import java.util.ArrayList;
import java.util.List;

/**
 * One driver loop's outgoing peer messages, coalesced per node: one {@code send} per peer and one
 * {@code flush} for all of them (driver thread only; the lists are reused every loop).
 */
final class PeerOutbox<M> {
  private final List<List<M>> perNode = new ArrayList<>();
  private final PeerTransport<M> transport;
  private volatile long sends;
  private volatile long flushes;

  PeerOutbox(PeerTransport<M> transport, int nodesMax) {
    this.transport = transport;
    for (int n = 0; n < nodesMax; n++) {
      perNode.add(new ArrayList<>());
    }
  }

  /** Sends the Readies' messages that may leave before the sync ({@code early}), or the rest after it. */
  void send(List<GroupReady<M>> readies, boolean early) {
    for (int i = 0; i < readies.size(); i++) {
      GroupReady<M> ready = readies.get(i);
      for (int m = 0; m < ready.messageCount(); m++) {
        if (ready.sendableBeforeSync(m) == early) {
          perNode.get(ready.messageTarget(m)).add(ready.message(m));
        }
      }
    }
    boolean sent = false;
    for (int node = 0; node < perNode.size(); node++) {
      List<M> messages = perNode.get(node);
      if (!messages.isEmpty()) {
        transport.send(node, messages);
        sends++;
        messages.clear();
        sent = true;
      }
    }
    if (sent) {
      transport.flush();
      flushes++;
    }
  }

  long sends() {
    return sends;
  }

  long flushes() {
    return flushes;
  }
}
