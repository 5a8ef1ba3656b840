package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A cluster's membership in memory, changed as the Kafka APIs would: a move shows the target at once (or
 * after {@link #pollsPerMove} polls of {@link #moving}), a removed voter becomes an observer that has caught
 * up after {@link #observerLag} quorum reads, and AddRaftVoter answers REQUEST_TIMED_OUT
 * {@link #addVoterRefusals} times. Remembers
 * the changing calls in order ("move p0:n4,n2,n3", "remove-voter n2", ...).
 */
final class FakeClusterMembers implements ClusterMembers {
  final List<String> calls = new ArrayList<>();
  final Map<Integer, List<String>> replicas = new TreeMap<>();
  final List<String> voters = new ArrayList<>();
  final Map<String, String> directories = new TreeMap<>();
  String leader = "n1";
  int pollsPerMove;
  int observerLag;
  boolean movesNeverFinish;
  /** How many AddRaftVoter calls are answered REQUEST_TIMED_OUT (the leader's own catch-up check). */
  int addVoterRefusals;
  /**
   * After a move ends, how many DescribeTopics answers (after the first) come from a broker that has not
   * applied its end yet: they list the target followed by the replicas being removed, as Kafka does.
   */
  int staleReads;
  private final Map<Integer, List<String>> pending = new TreeMap<>();
  private final Map<Integer, List<String>> staleView = new TreeMap<>();
  private int readsSinceMoveEnded = -1;
  private int movingPolls;
  private int quorumReadsSinceRemoval;

  FakeClusterMembers(int partitions, List<String> nodes) {
    for (int p = 0; p < partitions; p++) {
      List<String> r = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        r.add(nodes.get((p + i) % nodes.size()));
      }
      replicas.put(p, r);
    }
    voters.addAll(nodes);
    for (String n : nodes) {
      directories.put(n, "dir-" + n);
    }
  }

  @Override
  public Map<Integer, List<String>> replicas() {
    if (readsSinceMoveEnded >= 0 && ++readsSinceMoveEnded > 1 && readsSinceMoveEnded <= 1 + staleReads) {
      Map<Integer, List<String>> stale = new TreeMap<>(replicas);
      stale.putAll(staleView);
      return stale;
    }
    return new TreeMap<>(replicas);
  }

  @Override
  public void move(Map<Integer, List<String>> targets) {
    calls.add("move " + MembershipPlan.assignmentText(targets));
    pending.putAll(targets);
    movingPolls = 0;
  }

  @Override
  public Set<Integer> moving() {
    if (!movesNeverFinish && movingPolls++ >= pollsPerMove && !pending.isEmpty()) {
      staleView.clear();
      pending.forEach((p, target) -> {
        List<String> view = new ArrayList<>(target);
        replicas.get(p).stream().filter(n -> !target.contains(n)).forEach(view::add);
        staleView.put(p, view);
      });
      replicas.putAll(pending);
      pending.clear();
      readsSinceMoveEnded = 0;
    }
    return new HashSet<>(pending.keySet());
  }

  @Override
  public Quorum quorum() {
    quorumReadsSinceRemoval++;
    List<Member> v = voters.stream().map(n -> new Member(n, directories.get(n), 100)).toList();
    List<Member> o = directories.keySet().stream().filter(n -> !voters.contains(n))
        .map(n -> new Member(n, directories.get(n), quorumReadsSinceRemoval > observerLag ? 100 : 10)).toList();
    return new Quorum(leader, v, o, 100);
  }

  @Override
  public void removeVoter(String node, String directoryId) {
    calls.add("remove-voter " + node + " " + directoryId);
    voters.remove(node);
    quorumReadsSinceRemoval = 0;
  }

  @Override
  public void addVoter(String node, String directoryId) {
    calls.add("add-voter " + node + " " + directoryId);
    if (addVoterRefusals > 0) {
      addVoterRefusals--;
      throw new IllegalStateException("call=add-voter reason=refused error=TimeoutException");
    }
    voters.add(node);
  }
}
