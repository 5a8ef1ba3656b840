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
 * leader yet, a leader change) is simply sent again next round, and a repeated one changes nothing. A node whose
 * image has not caught up since its start sends it to every node it knows every {@link #STALE_ASK_ROUNDS}
 * rounds: it may have been unregistered while it was down, and then no leader sends it the log.
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
  /** A node whose image has not caught up since its start registers again every this many rounds. */
  static final int STALE_ASK_ROUNDS = 5;

  private RegisteredNodes.Node self;
  /**
   * Told the registered directory id once, when this node's data dir was restored from the archive (else null):
   * every node restored from one archive starts from the same committed log with no vote, so the cluster is
   * the old one refounded, and each node takes the identity its registration names instead of registering a new
   * incarnation (which, on every node at once, could never rejoin: docs/MEMBERSHIP.md).
   */
  private java.util.function.Consumer<org.apache.kafka.common.Uuid> adoptRegistered;
  private final RegisteredNodes registered;
  private final BooleanSupplier caughtUp;
  private final BooleanSupplier member;
  private final Supplier<List<Integer>> membersNotApplying;
  /** The members this node last waited for (logged when it changes, so a stuck registration names its cause). */
  private List<Integer> waitingFor = List.of();
  private int staleRounds;
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

  /** A node whose data dir was restored from the archive adopts its registered identity ({@code adopted}). */
  NodeRegistration adoptingRegistered(java.util.function.Consumer<org.apache.kafka.common.Uuid> adopted) {
    this.adoptRegistered = adopted;
    return this;
  }

  void round() {
    boolean current = caughtUp.getAsBoolean();
    if (adoptRegistered != null) {
      RegisteredNodes.Node mine = registered.node(self.id());
      if (mine == null && !current) {
        return; // the restored log is still being applied: it may hold this node's registration
      }
      if (mine != null && !mine.directoryId().equals(self.directoryId())) {
        LOG.info("node={} directory.id={} restored={} action=adopted-registered-identity", self.id(),
            mine.directoryId(), self.directoryId());
        self = new RegisteredNodes.Node(self.id(), self.host(), self.kafkaPort(), self.raftPort(), mine.directoryId());
        adoptRegistered.accept(mine.directoryId());
      }
      adoptRegistered = null;
    }
    staleRounds = current ? 0 : staleRounds + 1;
    boolean stale = staleRounds > 0 && staleRounds % STALE_ASK_ROUNDS == 0;
    if (registered() && !stale) {
      return;
    }
    if (!member.getAsBoolean()) {
      toEveryPeer.accept(self.command());
    } else if (stale) {
      // restarted with an image that has not caught up: this node may have been unregistered while it was down,
      // and a leader that no longer counts it a learner never sends it the log. It knows no leader then, so it
      // asks every node it knows (the leader among them applies it; a repeat changes nothing), through the same
      // gate as a first registration (its image may hold none yet: entries apply once a leader says committed)
      if (!registered.all().isEmpty() || noneWaitedFor()) {
        LOG.info("node={} action=registration-sent-to-every-node reason=image-behind staleRounds={}", self.id(),
            staleRounds);
        toEveryPeer.accept(self.command());
      }
    } else if (current && (!registered.all().isEmpty() || noneWaitedFor())) {
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
