package io.chronik.control.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Membership changes under load, as an operator makes them with the Kafka protocol only
 * (docs/MEMBERSHIP.md): when it starts, the fault reads the workload topic's assignment and the metadata
 * quorum and plans ({@link MembershipPlan}) — (1) every partition with a node outside its replicas moves one
 * replica there (AlterPartitionReassignments, one request), and the fault waits until
 * ListPartitionReassignments no longer lists them and the assignment is the target; (2) one metadata voter
 * that is not the metadata leader is removed (RemoveRaftVoter with its directory id from DescribeQuorum) and,
 * once it is a caught-up observer, added back (AddRaftVoter; the cluster answers REQUEST_TIMED_OUT while it
 * is not caught up, so the fault retries). Each wait is bounded; a start that runs out of time throws
 * with what it had done, and the heal still runs.
 *
 * <p>The heal <b>moves the replicas back</b> to the assignment before the start (each partition whose
 * replicas differ from it, so also a move left half done) and makes the removed voter a voter again if the
 * start did not get that far. Moving back rather than leaving the new assignment: every injection then
 * starts from the topic's seed placement, so a run's moves do not drift the replicas onto a few nodes, the
 * heal exercises a second move (back onto a node whose replica was just deleted), and after the run the
 * assignment and voters are the ones the run began with — which the heal's value says, read back from the
 * cluster ({@code replicas=p0:n1,n2,n3;... voters=[n1, n2, n3, n4]}).
 *
 * <p>Moves need a node outside a partition's replica set, so at least {@value MembershipPlan#MOVE_NODES}
 * nodes with the default replication factor 3. With 3 nodes the fault still runs its voter part and says
 * so ({@code moves-skipped=needs-4-nodes}): a campaign on {@code lab:3} keeps a membership change that
 * way rather than refusing. Chronik only: Apache Kafka's runs configure a static controller quorum.
 */
public final class MembershipFault implements Fault {
  private static final long POLL_MILLIS = 250;
  private final Duration moveBound;
  private final Duration voterBound;

  /** As registered: up to 60 s for the moves, 30 s for each voter change. */
  public MembershipFault() {
    this(Duration.ofSeconds(60), Duration.ofSeconds(30));
  }

  MembershipFault(Duration moveBound, Duration voterBound) {
    this.moveBound = moveBound;
    this.voterBound = voterBound;
  }

  @Override
  public String name() {
    return "membership";
  }

  @Override
  public String help() {
    return "move one replica of every partition to a node outside its replicas (n >= 4), remove a metadata voter "
        + "that does not lead and add it back; healed by moving the replicas back";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB, Site.VMS);
  }

  @Override
  public String chronikOnlyBecause() {
    return "changes-the-brokers-metadata-voters-kafka-runs-a-static-controller-quorum";
  }

  @Override
  public int minNodes() {
    return 3;
  }

  /** The drawn node order; what moves and which voter leaves is decided from the cluster when it starts. */
  @Override
  public Injection pick(Draw draw) {
    return new Injection(List.of(), "", draw.shuffled());
  }

  @Override
  public Injection resolve(Injection picked, Testbed bed) {
    ClusterMembers members = bed.members();
    MembershipPlan plan = MembershipPlan.draw(members.replicas(), members.quorum(), picked.arrangement());
    return new Injection(plan.nodes(), plan.text(), picked.arrangement());
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    MembershipPlan plan = MembershipPlan.parse(injection.shape());
    ClusterMembers members = bed.members();
    List<String> done = new ArrayList<>();
    if (plan.moves().isEmpty()) {
      done.add("moves=none");
    } else {
      Map<Integer, List<String>> target = plan.assignment(true);
      moveAndAwait(members, target, done);
      done.add("moved=" + MembershipPlan.assignmentText(target));
    }
    if (!plan.voter().isEmpty()) {
      String voter = plan.voter();
      String directory = directoryOf(read(done, "describe-quorum", members::quorum), voter, done);
      awaitStep(done, "remove-voter", voterBound, () -> {
        if (members.quorum().isVoter(voter)) {
          members.removeVoter(voter, directory);
        }
        return !members.quorum().isVoter(voter);
      });
      done.add("voter-removed=" + voter);
      addBack(members, voter, directory, done);
      done.add("voter-added=" + voter + " voters=" + read(done, "describe-quorum", members::quorum).voterNodes());
    }
    if (!plan.note().isEmpty()) {
      done.add(plan.note());
    }
    return String.join(" ", done);
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    if (injection.shape().isEmpty()) {
      return "nothing-to-heal reason=not-started (the cluster's state could not be read)";
    }
    MembershipPlan plan = MembershipPlan.parse(injection.shape());
    ClusterMembers members = bed.members();
    List<String> done = new ArrayList<>();
    Map<Integer, List<String>> before = plan.assignment(false);
    Map<Integer, List<String>> now = read(done, "describe-topic", members::replicas);
    Map<Integer, List<String>> back = new java.util.TreeMap<>();
    before.forEach((p, replicas) -> {
      if (!replicas.equals(now.get(p))) {
        back.put(p, replicas);
      }
    });
    if (!back.isEmpty()) {
      moveAndAwait(members, back, done);
    }
    done.add("moved-back=" + back.keySet().stream().map(p -> "p" + p).toList());
    if (!plan.voter().isEmpty()) {
      ClusterMembers.Quorum q = read(done, "describe-quorum", members::quorum);
      if (q.isVoter(plan.voter())) {
        done.add("voter=" + plan.voter() + ":still-a-voter");
      } else {
        addBack(members, plan.voter(), directoryOf(q, plan.voter(), done), done);
        done.add("voter=" + plan.voter() + ":added-back");
      }
    }
    done.add("replicas=" + MembershipPlan.assignmentText(readBack(members, before, done)) + " voters="
        + read(done, "describe-quorum", members::quorum).voterNodes());
    return String.join(" ", done);
  }

  /**
   * The moved partitions' replicas as the cluster describes them, asked until they read {@code expected} (up to
   * the voter bound): DescribeTopics goes to any broker, and one that has not yet applied the move's end still
   * lists the replicas being removed. Past the bound, what was read last (the value then shows the difference).
   */
  private Map<Integer, List<String>> readBack(ClusterMembers members, Map<Integer, List<String>> expected,
      List<String> done) {
    long deadline = System.nanoTime() + voterBound.toNanos();
    while (true) {
      Map<Integer, List<String>> now = new java.util.TreeMap<>(read(done, "describe-topic", members::replicas));
      now.keySet().retainAll(expected.keySet());
      if (now.equals(expected) || System.nanoTime() > deadline) {
        return now;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return now;
      }
    }
  }

  /** One answer of the cluster, asked again while it fails (up to the voter bound). */
  private <T> T read(List<String> done, String call, java.util.function.Supplier<T> ask) {
    java.util.concurrent.atomic.AtomicReference<T> answer = new java.util.concurrent.atomic.AtomicReference<>();
    awaitStep(done, call, voterBound, () -> {
      answer.set(ask.get());
      return true;
    });
    return answer.get();
  }

  /** One AlterPartitionReassignments (retried until the cluster takes it), then waits until each is done. */
  private void moveAndAwait(ClusterMembers members, Map<Integer, List<String>> target, List<String> done) {
    boolean[] asked = {false};
    awaitStep(done, "move " + MembershipPlan.assignmentText(target), moveBound, () -> {
      if (!asked[0]) {
        members.move(target);
        asked[0] = true;
      }
      Set<Integer> moving = members.moving();
      Map<Integer, List<String>> replicas = members.replicas();
      return target.entrySet().stream()
          .allMatch(e -> !moving.contains(e.getKey()) && e.getValue().equals(replicas.get(e.getKey())));
    });
  }

  /** AddRaftVoter once the node is a caught-up observer, retried (REQUEST_TIMED_OUT while it is not). */
  private void addBack(ClusterMembers members, String voter, String directory, List<String> done) {
    awaitStep(done, "add-voter " + voter, voterBound, () -> {
      ClusterMembers.Quorum q = members.quorum();
      if (q.isVoter(voter)) {
        return true;
      }
      if (q.caughtUpObserver(voter)) {
        members.addVoter(voter, directory);
      }
      return members.quorum().isVoter(voter);
    });
  }

  /** The node's directory id as DescribeQuorum shows it (voter or observer); throws if unknown. */
  private static String directoryOf(ClusterMembers.Quorum q, String node, List<String> done) {
    return java.util.stream.Stream.concat(q.voters().stream(), q.observers().stream())
        .filter(m -> m.node().equals(node) && !m.directoryId().isEmpty()).map(ClusterMembers.Member::directoryId)
        .findFirst().orElseThrow(() -> new IllegalStateException(String.join(" ", done) + " node=" + node
            + " reason=directory-id-unknown voters=" + q.voterNodes()));
  }

  /**
   * Polls {@code step} every 250 ms until it answers true; a failed poll (the cluster refused or did not
   * answer) is retried. Throws after {@code bound} with what was done so far and the last failure.
   */
  private static void awaitStep(List<String> done, String step, Duration bound, BooleanSupplier poll) {
    long deadline = System.nanoTime() + bound.toNanos();
    String last = "none";
    while (true) {
      try {
        if (poll.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException((done.isEmpty() ? "" : String.join(" ", done) + " ") + "step=[" + step
            + "] reason=not-done-in-time waited-ms=" + bound.toMillis() + " last-error=[" + last + "]");
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("step=[" + step + "] reason=interrupted", e);
      }
    }
  }
}
