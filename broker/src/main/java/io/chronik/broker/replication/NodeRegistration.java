package io.chronik.broker.replication;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A node registers itself in the metadata ({@link MetadataCommand.RegisterNode}): once its image caught up with
 * the metadata leader, and again whenever the image's registration of it differs from its own (a new data dir
 * incarnation, new addresses). Checked each round on the driver thread; a registration lost on the way (no
 * leader yet, a leader change) is simply sent again next round, and a repeated one changes nothing.
 */
final class NodeRegistration {
  /** How often the registration is checked. */
  static final long ROUND_MS = 1000;

  private final RegisteredNodes.Node self;
  private final RegisteredNodes registered;
  private final BooleanSupplier caughtUp;
  private final Consumer<MetadataCommand> forward;

  NodeRegistration(RegisteredNodes.Node self, RegisteredNodes registered, BooleanSupplier caughtUp,
      Consumer<MetadataCommand> forward) {
    this.self = self;
    this.registered = registered;
    this.caughtUp = caughtUp;
    this.forward = forward;
  }

  /** True when this node's registration is in the image as it is now. */
  boolean registered() {
    return self.equals(registered.node(self.id()));
  }

  void round() {
    if (caughtUp.getAsBoolean() && !registered()) {
      forward.accept(self.command());
    }
  }
}
