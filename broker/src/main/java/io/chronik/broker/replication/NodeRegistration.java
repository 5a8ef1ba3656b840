package io.chronik.broker.replication;

import java.util.function.BooleanSupplier;

/**
 * A node registers itself in the metadata ({@link MetadataCommand.RegisterNode}): once its image caught up with
 * the metadata leader (a node outside the metadata group, joining by {@code cluster.bootstrap}, at once: it
 * becomes a learner only once registered), and again whenever the image's registration of it differs from its own (a new data dir
 * incarnation, new addresses). Checked each round on the driver thread; a registration lost on the way (no
 * leader yet, a leader change) is simply sent again next round, and a repeated one changes nothing.
 *
 * <p>A member of the metadata group registers only once every other member's pings say it applies
 * registrations ({@code everyMemberRegisters}): a node of the previous version stops on the record, so
 * during a rolling upgrade the founding nodes wait until the last one runs this version. A node joining by
 * bootstrap registers at once (adding a node needs every node upgraded first, docs/MEMBERSHIP.md).
 */
final class NodeRegistration {
  /** How often the registration is checked. */
  static final long ROUND_MS = 1000;

  private final RegisteredNodes.Node self;
  private final RegisteredNodes registered;
  private final BooleanSupplier caughtUp;
  private final BooleanSupplier member;
  private final BooleanSupplier everyMemberRegisters;
  private final ForwardedProposals forward;
  private final java.util.function.Supplier<java.util.Collection<Integer>> peers;

  /**
   * @param member this node is in the metadata group's configuration (a voter or learner)
   * @param everyMemberRegisters every other member of the metadata group applies registrations
   * @param peers the nodes this one knows: a node outside the group (joining) knows no leader and asks them all
   */
  NodeRegistration(RegisteredNodes.Node self, RegisteredNodes registered, BooleanSupplier caughtUp,
      BooleanSupplier member, BooleanSupplier everyMemberRegisters, ForwardedProposals forward,
      java.util.function.Supplier<java.util.Collection<Integer>> peers) {
    this.self = self;
    this.registered = registered;
    this.caughtUp = caughtUp;
    this.member = member;
    this.everyMemberRegisters = everyMemberRegisters;
    this.forward = forward;
    this.peers = peers;
  }

  /** True when this node's registration is in the image as it is now. */
  boolean registered() {
    return self.equals(registered.node(self.id()));
  }

  void round() {
    if (registered()) {
      return;
    }
    if (!member.getAsBoolean()) {
      forward.forwardToEvery(self.command(), peers.get());
    } else if (caughtUp.getAsBoolean() && everyMemberRegisters.getAsBoolean()) {
      forward.forward(self.command());
    }
  }
}
