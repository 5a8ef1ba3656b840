package io.chronik.broker.replication;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A node registers itself in the metadata ({@link MetadataCommand.RegisterNode}): once its image caught up with
 * the metadata leader (a node outside the metadata group, joining by {@code cluster.bootstrap}, at once: it
 * becomes a learner only once registered), and again whenever the image's registration of it differs from its own (a new data dir
 * incarnation, new addresses). Checked each round on the driver thread; a registration lost on the way (no
 * leader yet, a leader change) is simply sent again next round, and a repeated one changes nothing.
 *
 * <p>A member of the metadata group registers only once every other member's pings say it applies
 * registrations ({@code everyMemberRegisters}): a node of the previous version stops on the record, so
 * during a rolling upgrade the founding nodes wait until the last one runs this version. Once any registration is
 * in the image the wait is over for good: an older node stops on that record anyway, another one changes
 * nothing, and a member that died before its pings reached this node no longer keeps it unregistered. A node
 * joining by bootstrap registers at once (adding a node needs every node upgraded first, docs/MEMBERSHIP.md).
 */
final class NodeRegistration {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeRegistration.class);
  /** How often the registration is checked. */
  static final long ROUND_MS = 1000;

  private final RegisteredNodes.Node self;
  private final RegisteredNodes registered;
  private final BooleanSupplier caughtUp;
  private final BooleanSupplier member;
  private final Supplier<List<Integer>> membersNotApplying;
  /** The members this node last waited for (logged when it changes, so a stuck registration names its cause). */
  private List<Integer> waitingFor = List.of();
  private final Consumer<MetadataCommand> toLeader;
  private final Consumer<MetadataCommand> toEveryPeer;

  /**
   * @param member this node is in the metadata group's configuration (a voter or learner)
   * @param membersNotApplying the other members of the metadata group whose pings have not said they apply
   *     registrations
   * @param toLeader hands a command to the metadata leader ({@link ForwardedProposals#forward})
   * @param toEveryPeer hands it to every node this one knows: a node outside the group (joining) knows no leader
   */
  NodeRegistration(RegisteredNodes.Node self, RegisteredNodes registered, BooleanSupplier caughtUp,
      BooleanSupplier member, Supplier<List<Integer>> membersNotApplying, Consumer<MetadataCommand> toLeader,
      Consumer<MetadataCommand> toEveryPeer) {
    this.self = self;
    this.registered = registered;
    this.caughtUp = caughtUp;
    this.member = member;
    this.membersNotApplying = membersNotApplying;
    this.toLeader = toLeader;
    this.toEveryPeer = toEveryPeer;
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
      toEveryPeer.accept(self.command());
    } else if (caughtUp.getAsBoolean() && (!registered.all().isEmpty() || noneWaitedFor())) {
      toLeader.accept(self.command());
    }
  }

  private boolean noneWaitedFor() {
    List<Integer> waiting = membersNotApplying.get();
    if (!waiting.equals(waitingFor)) {
      waitingFor = waiting;
      LOG.info("node={} action=registration-{} members-not-applying-registrations={}", self.id(),
          waiting.isEmpty() ? "sent" : "waiting", waiting);
    }
    return waiting.isEmpty();
  }
}
