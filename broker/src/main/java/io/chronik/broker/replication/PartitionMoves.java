package io.chronik.broker.replication;

import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.Role;
import io.chronik.raft.replication.Progress;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out partition moves (AlterPartitionReassignments) on the driver thread: the Raft leader of a
 * moving partition's group steps it, one membership change at a time, from its voters to the target
 * the metadata group recorded (docs/MEMBERSHIP.md):
 *
 * <ol>
 *   <li>the replicas it adds join as <b>learners</b> (they receive the log, or the leader's snapshot image
 *       where retention deleted the start of it, and never vote);
 *   <li>once every learner holds every committed entry, a leader that is not in the target hands leadership
 *       to a voter that is;
 *   <li>the target becomes the voter set by <b>joint consensus</b> (the core leaves the joint configuration
 *       itself, and refuses to promote a learner that is not caught up);
 *   <li>with exactly the target as voters and no learner left, the leader proposes {@code PartitionMoved}
 *       to the metadata group (repeated every round until the metadata says the move is done).
 * </ol>
 *
 * Every step is decided from the group's committed configuration and the leader's view of its members,
 * so a new leader (after a crash or a handoff) continues where its predecessor was. Nothing is kept
 * between rounds.
 */
final class PartitionMoves {
  private static final Logger log = LoggerFactory.getLogger(PartitionMoves.class);
  /** How often the moves are looked at. */
  static final long ROUND_MS = 100;

  /** One moving partition this node hosts a replica of. */
  record Move(String topic, TopicSpec.PartitionSpec spec, PartitionGroup group) {}

  /** What a round did for one move (the leader's step; tests read it). */
  enum Step {
    /** This node does not lead the group: its leader moves it. */
    NOT_LEADER,
    /** A change is not committed yet, or the group is joint (the core leaves it): wait. */
    CHANGING,
    /** The learner set was changed toward the replicas the move adds. */
    LEARNERS_PROPOSED,
    /** A learner does not hold every committed entry yet. */
    CATCHING_UP,
    /** This leader leaves the group: leadership goes to a voter of the target first. */
    HANDING_OFF,
    /** The target was proposed as the voter set (joint consensus). */
    PROMOTION_PROPOSED,
    /** The group is the target: PartitionMoved was sent to the metadata group. */
    DONE_REPORTED
  }

  private final MetadataImage image;
  private final Consumer<MetadataCommand> report;
  private long reports;

  /** @param report sends a command to the metadata leader (fire and forget; repeated until applied) */
  PartitionMoves(MetadataImage image, Consumer<MetadataCommand> report) {
    this.image = image;
    this.report = report;
  }

  /** Driver thread, every {@link #ROUND_MS}: one step of every move this node leads; replicas left behind close. */
  void round() {
    for (Move m : image.moves()) {
      Step step = step(m.topic(), m.spec(), m.group().raftNode(), report);
      if (step == Step.DONE_REPORTED) {
        reports++;
      }
    }
    image.leaveGroupsLeft();
  }

  /** PartitionMoved reports sent (metrics, tests). */
  long reports() {
    return reports;
  }

  /** The next step of moving {@code spec}'s group, taken on {@code node} if it leads. */
  static Step step(String topic, TopicSpec.PartitionSpec spec, RaftNode node, Consumer<MetadataCommand> report) {
    if (node.role() != Role.LEADER) {
      return Step.NOT_LEADER;
    }
    Configuration c = node.configuration();
    if (c.joint() || node.transferring()) {
      return Step.CHANGING;
    }
    SortedSet<Integer> target = new TreeSet<>(spec.target());
    if (c.voters().equals(target) && c.learners().isEmpty()) {
      report.accept(new MetadataCommand.PartitionMoved(topic, spec.index(), spec.target()));
      return Step.DONE_REPORTED;
    }
    TreeSet<Integer> adding = new TreeSet<>(target);
    adding.removeAll(c.voters());
    if (!c.learners().equals(adding)) {
      boolean proposed = node.proposeConfiguration(c.voters(), adding);
      if (proposed) {
        log.info("topic={} partition={} group={} voters={} learners={} reason=move-learners-proposed", topic,
            spec.index(), spec.groupId(), c.voters(), adding);
      }
      return proposed ? Step.LEARNERS_PROPOSED : Step.CHANGING;
    }
    for (int learner : adding) {
      Progress p = node.progress(learner);
      if (p == null || p.match() < node.commitIndex()) {
        return Step.CATCHING_UP;
      }
    }
    if (!target.contains(node.id())) {
      int successor = successor(node, c, target);
      if (successor != RaftNode.NONE) {
        node.transferLeadership(successor);
        log.info("topic={} partition={} group={} successor={} reason=move-leader-leaves", topic, spec.index(),
            spec.groupId(), successor);
        return Step.HANDING_OFF;
      }
    }
    boolean proposed = node.proposeConfiguration(target, new TreeSet<>());
    if (proposed) {
      log.info("topic={} partition={} group={} voters={} outgoing={} reason=move-joint-proposed", topic, spec.index(),
          spec.groupId(), target, c.voters());
    }
    return proposed ? Step.PROMOTION_PROPOSED : Step.CATCHING_UP;
  }

  /** The voter of both the group and the target that holds the most of the log, or NONE. */
  private static int successor(RaftNode node, Configuration c, SortedSet<Integer> target) {
    int best = RaftNode.NONE;
    long bestMatch = -1;
    for (int voter : List.copyOf(c.voters())) {
      Progress p = voter == node.id() ? null : node.progress(voter);
      if (target.contains(voter) && p != null && p.recentActive() && p.match() > bestMatch) {
        best = voter;
        bestMatch = p.match();
      }
    }
    return best;
  }
}
