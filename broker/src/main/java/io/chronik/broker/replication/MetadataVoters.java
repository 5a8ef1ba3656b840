package io.chronik.broker.replication;

import io.chronik.raft.membership.Configuration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata group's own membership (KIP-853's AddRaftVoter / RemoveRaftVoter), on the driver thread. Every
 * registered node that is no voter is made a learner (KRaft's observer) by the leader, so it receives the log;
 * a voter is added only from such a learner that holds every committed entry, and any voter change runs by joint
 * consensus in the core, which refuses a learner that is not caught up and makes a removed leader hand off.
 * The voter set lives in the group's log (CONFIG entries) and snapshot: a restart takes it from there, and
 * {@code cluster.nodes} only seeds a new cluster's first configuration.
 */
public final class MetadataVoters {
  /** Kafka's answer to a voter change: NONE, or the error code and message. */
  public record Outcome(Errors error, String message) {}

  private enum Change { ADD, REMOVE, UNREGISTER }

  private record Waiting(Change change, int id, long deadlineNanos, Consumer<Outcome> answer) {}

  private static final Logger log = LoggerFactory.getLogger(MetadataVoters.class);
  private final MetadataGroup metadata;
  private final RegisteredNodes registered;
  private final List<Waiting> waiting = new ArrayList<>();
  private final java.util.function.Predicate<Runnable> driverTasks;
  private final java.util.function.IntToLongFunction partitionsOn;
  private final java.util.function.IntPredicate running;
  private final Consumer<MetadataCommand> propose;

  /**
   * @param partitionsOn partitions with a node among their replicas or move targets (driver thread)
   * @param running the node pinged this one lately: it runs, and would register itself again at once
   * @param propose proposes a metadata command (this node leads when it is called)
   */
  MetadataVoters(MetadataGroup metadata, RegisteredNodes registered, java.util.function.Predicate<Runnable> driverTasks,
      java.util.function.IntToLongFunction partitionsOn, java.util.function.IntPredicate running,
      Consumer<MetadataCommand> propose) {
    this.metadata = metadata;
    this.registered = registered;
    this.driverTasks = driverTasks;
    this.partitionsOn = partitionsOn;
    this.running = running;
    this.propose = propose;
  }

  /**
   * Any thread: UnregisterBroker at this node — a stopped node that is no voter and holds no replica leaves the
   * cluster (its registration goes, so it is no learner, peer or placement target any more); {@code answer} runs
   * on the driver thread once applied, refused, or late.
   */
  public void unregister(int id, long timeoutMs, Consumer<Outcome> answer) {
    if (!driverTasks.test(() -> unregisterNow(id, timeoutMs, answer))) {
      answer.accept(new Outcome(Errors.REQUEST_TIMED_OUT, "reason=driver-queue-full"));
    }
  }

  private void unregisterNow(int id, long timeoutMs, Consumer<Outcome> answer) {
    Outcome refused = unregisterRefusal(id);
    if (refused != null) {
      answer.accept(refused);
      return;
    }
    propose.accept(new MetadataCommand.UnregisterNode(id));
    log.info("node={} action=unregister-proposed", id);
    waiting.add(new Waiting(Change.UNREGISTER, id, System.nanoTime() + Math.max(1, timeoutMs) * 1_000_000L, answer));
  }

  private Outcome unregisterRefusal(int id) {
    if (!metadata.leading()) {
      return new Outcome(Errors.NOT_LEADER_OR_FOLLOWER, "reason=not-the-metadata-leader");
    }
    if (registered.node(id) == null) {
      return new Outcome(Errors.BROKER_ID_NOT_REGISTERED, "node=" + id + " reason=not-registered");
    }
    if (metadata.configuration().voters().contains(id)) {
      return new Outcome(Errors.INVALID_REQUEST, "node=" + id + " voters=" + metadata.configuration().voters()
          + " reason=still-a-metadata-voter (remove it first: chronik admin decommission)");
    }
    long partitions = partitionsOn.applyAsLong(id);
    if (partitions > 0) {
      return new Outcome(Errors.INVALID_REQUEST, "node=" + id + " partitions=" + partitions
          + " reason=still-holds-replicas (move them off first: chronik admin decommission)");
    }
    if (running.test(id)) {
      return new Outcome(Errors.INVALID_REQUEST, "node=" + id
          + " reason=still-running (stop it first: a running node registers itself again)");
    }
    return null;
  }

  /**
   * Any thread: AddRaftVoter ({@code add}) or RemoveRaftVoter at this node; {@code answer} runs on the driver
   * thread once the change is committed (C(new)), refused, or late.
   */
  public void request(boolean add, int id, Uuid directoryId, long timeoutMs, Consumer<Outcome> answer) {
    Runnable task = () -> {
      if (add) {
        add(id, directoryId, timeoutMs, answer);
      } else {
        remove(id, directoryId, timeoutMs, answer);
      }
    };
    if (!driverTasks.test(task)) {
      answer.accept(new Outcome(Errors.REQUEST_TIMED_OUT, "reason=driver-queue-full"));
    }
  }

  /** Each round: answer finished or late changes; the leader makes registered non-voters learners. */
  void round(long nowNanos) {
    Configuration config = metadata.configuration();
    for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
      Waiting w = it.next();
      boolean done = w.change() == Change.UNREGISTER ? registered.left(w.id())
          : !config.joint() && (w.change() == Change.ADD) == config.voters().contains(w.id());
      if (done || nowNanos - w.deadlineNanos() > 0) {
        it.remove();
        w.answer().accept(done ? new Outcome(Errors.NONE, null) : new Outcome(Errors.REQUEST_TIMED_OUT,
            "node=" + w.id() + " change=" + w.change() + " reason=change-not-committed-in-time"));
      }
    }
    if (!metadata.leading() || config.joint()) {
      return;
    }
    TreeSet<Integer> learners = new TreeSet<>();
    registered.all().forEach(n -> learners.add(n.id()));
    learners.removeAll(config.voters());
    if (!learners.equals(config.learners()) && metadata.proposeConfiguration(config.voters(), learners)) {
      log.info("group=metadata voters={} learners={} action=learners-proposed", config.voters(), learners);
    }
  }

  /** AddRaftVoter at this node (driver thread); {@code answer} runs on the driver thread. */
  void add(int id, Uuid directoryId, long timeoutMs, Consumer<Outcome> answer) {
    Configuration config = metadata.configuration();
    Outcome refused = addRefusal(config, id, directoryId);
    if (refused != null) {
      answer.accept(refused);
      return;
    }
    TreeSet<Integer> voters = new TreeSet<>(config.voters());
    voters.add(id);
    TreeSet<Integer> learners = new TreeSet<>(config.learners());
    learners.remove(id);
    propose(true, id, voters, learners, timeoutMs, answer);
  }

  private Outcome addRefusal(Configuration config, int id, Uuid directoryId) {
    if (!metadata.leading()) {
      return new Outcome(Errors.NOT_LEADER_OR_FOLLOWER, "reason=not-the-metadata-leader");
    }
    if (config.isVoter(id)) {
      return new Outcome(Errors.DUPLICATE_VOTER, "voter=" + id + " reason=already-a-voter voters=" + config.voters());
    }
    RegisteredNodes.Node node = registered.node(id);
    if (node == null || !config.learners().contains(id)) {
      return new Outcome(Errors.REQUEST_TIMED_OUT, "voter=" + id + " reason=not-an-observer-of-the-metadata-group");
    }
    if (!node.directoryId().equals(directoryId)) {
      return new Outcome(Errors.REQUEST_TIMED_OUT, "voter=" + id + " directoryId=" + directoryId + " registered="
          + node.directoryId() + " reason=directory-id-mismatch");
    }
    if (!metadata.holdsEveryCommit(id)) {
      return new Outcome(Errors.REQUEST_TIMED_OUT, "voter=" + id + " reason=observer-not-caught-up");
    }
    return null;
  }

  /** RemoveRaftVoter at this node (driver thread). The last voter is never removed (Kafka: VOTER_NOT_FOUND). */
  void remove(int id, Uuid directoryId, long timeoutMs, Consumer<Outcome> answer) {
    Configuration config = metadata.configuration();
    if (!metadata.leading()) {
      answer.accept(new Outcome(Errors.NOT_LEADER_OR_FOLLOWER, "reason=not-the-metadata-leader"));
      return;
    }
    Uuid known = registered.directoryId(id);
    boolean keyMatches = known.equals(directoryId) || known.equals(Uuid.ZERO_UUID);
    if (!config.voters().contains(id) || !keyMatches || config.voters().size() == 1) {
      answer.accept(new Outcome(Errors.VOTER_NOT_FOUND, "Cannot remove voter " + id + " (directory " + directoryId
          + ") from the set of voters " + config.voters()));
      return;
    }
    TreeSet<Integer> voters = new TreeSet<>(config.voters());
    voters.remove(id);
    TreeSet<Integer> learners = new TreeSet<>(config.learners());
    if (registered.node(id) != null) {
      learners.add(id); // it keeps the log as an observer while it runs, as a removed KRaft controller does
    }
    propose(false, id, voters, learners, timeoutMs, answer);
  }

  private void propose(boolean add, int id, SortedSet<Integer> voters, SortedSet<Integer> learners, long timeoutMs,
      Consumer<Outcome> answer) {
    if (!metadata.proposeConfiguration(voters, learners)) {
      answer.accept(new Outcome(Errors.REQUEST_TIMED_OUT, "voter=" + id
          + " reason=another-change-pending-or-refused-by-the-core"));
      return;
    }
    log.info("group=metadata voter={} action={} voters={}", id, add ? "add" : "remove", voters);
    waiting.add(new Waiting(add ? Change.ADD : Change.REMOVE, id, System.nanoTime() + Math.max(1, timeoutMs) * 1_000_000L,
        answer));
  }
}
