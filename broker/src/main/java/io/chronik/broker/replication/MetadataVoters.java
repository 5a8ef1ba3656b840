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
  private final ReplicaRejoins rejoins;
  /** When each rejoining node's last step was proposed (leader; a step is asked again only after a pause). */
  private final java.util.Map<Integer, Long> rejoinAskedNanos = new java.util.HashMap<>();
  /** A rejoin step not applied within this long is proposed again (a lost proposal, a leader change). */
  static final long REJOIN_STEP_RETRY_MS = 1_000;
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
  MetadataVoters(MetadataGroup metadata, RegisteredNodes registered, ReplicaRejoins rejoins,
      java.util.function.Predicate<Runnable> driverTasks,
      java.util.function.IntToLongFunction partitionsOn, java.util.function.IntPredicate running,
      Consumer<MetadataCommand> propose) {
    this.metadata = metadata;
    this.registered = registered;
    this.rejoins = rejoins;
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
    rejoinSteps(config, nowNanos);
  }

  /**
   * The leader's next step of each node's rejoin in the metadata group ({@link ReplicaRejoins}), decided from the
   * committed configuration: note that it is to be a voter again, remove its old incarnation as a voter (it
   * stays a learner), say that it left (its peers then admit its messages), promote the caught-up learner, say so.
   */
  private void rejoinSteps(Configuration config, long nowNanos) {
    for (ReplicaRejoins.Rejoin r : rejoins.all()) {
      int id = r.node();
      Long asked = rejoinAskedNanos.get(id);
      if (asked != null && nowNanos - asked < REJOIN_STEP_RETRY_MS * 1_000_000L) {
        continue;
      }
      boolean voter = config.voters().contains(id);
      Consumer<Outcome> quiet = o -> log.debug("node={} outcome={} action=rejoin-voter-change", id, o);
      if (r.metadata() && voter && !r.restoreVoter()) {
        propose.accept(new MetadataCommand.ReplicaRejoined(id, ReplicaRejoins.VOTER_TO_RESTORE));
      } else if (r.metadata() && voter) {
        remove(id, registered.directoryId(id), REJOIN_STEP_RETRY_MS, quiet);
      } else if (r.metadata()) {
        propose.accept(new MetadataCommand.ReplicaRejoined(id, ReplicaRejoins.METADATA_LEFT));
      } else if (r.restoreVoter() && voter) {
        propose.accept(new MetadataCommand.ReplicaRejoined(id, ReplicaRejoins.VOTER_RESTORED));
      } else if (r.restoreVoter() && config.learners().contains(id) && metadata.holdsEveryCommit(id)) {
        add(id, registered.directoryId(id), REJOIN_STEP_RETRY_MS, quiet);
      } else {
        continue; // partitions still moving, or the learner still catching up: nothing to do here yet
      }
      rejoinAskedNanos.put(id, nowNanos);
      log.info("node={} metadataPending={} restoreVoter={} voter={} action=rejoin-step-proposed", id, r.metadata(),
          r.restoreVoter(), voter);
    }
    rejoinAskedNanos.keySet().removeIf(id -> rejoins.of(id) == null);
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
