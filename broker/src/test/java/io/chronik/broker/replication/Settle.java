package io.chronik.broker.replication;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.GroupReady;
import io.chronik.pipeline.driver.RaftNodeGroup;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Drives one group by hand as the Raft driver would, until it has nothing left to do (at most 100 Readys):
 * persist and sync what a Ready writes, apply it, advance. The single-group tests' one copy of that loop.
 */
final class Settle {
  private Settle() {}

  static void settle(RaftNodeGroup group, NodeStorageSync sync, Consumer<GroupReady<GroupMessage>> apply)
      throws IOException {
    for (int i = 0; i < 100 && group.hasReady(); i++) {
      GroupReady<GroupMessage> ready = group.ready();
      if (ready.hasWrites()) {
        group.persist(ready);
        sync.sync();
      }
      apply.accept(ready);
      group.advance(ready);
    }
  }
}
