package io.chronik.raft.membership;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * A group's membership. Outside a change, {@code outgoing} is empty and decisions need a majority of
 * {@code voters}. During joint consensus (Raft §6, C<sub>old,new</sub>) {@code voters} is the incoming
 * set and {@code outgoing} the old one, and every decision (election, commit) needs a majority of
 * both. Learners receive the log but never vote and never count towards a quorum.
 *
 * <p>Sets are sorted so that iteration order, and hence message order, is deterministic.
 */
public record Configuration(SortedSet<Integer> voters, SortedSet<Integer> outgoing, SortedSet<Integer> learners) {

  public static final Configuration EMPTY = new Configuration(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());

  public Configuration {
    voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
    outgoing = Collections.unmodifiableSortedSet(new TreeSet<>(outgoing));
    learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
  }

  public static Configuration of(Collection<Integer> voters) {
    return new Configuration(new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>());
  }

  public static Configuration of(Collection<Integer> voters, Collection<Integer> learners) {
    return new Configuration(new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>(learners));
  }

  public boolean joint() {
    return !outgoing.isEmpty();
  }

  /** May this node vote and campaign? */
  public boolean isVoter(int id) {
    return voters.contains(id) || outgoing.contains(id);
  }

  /** Every node that receives the log: voters of both halves and learners. */
  public SortedSet<Integer> members() {
    TreeSet<Integer> all = new TreeSet<>(voters);
    all.addAll(outgoing);
    all.addAll(learners);
    return all;
  }

  /** True if the granting voters form a majority of every active voter set. */
  public boolean hasQuorum(Predicate<Integer> granted) {
    return majority(voters, granted) && (outgoing.isEmpty() || majority(outgoing, granted));
  }

  /** True if the rejecting voters make a quorum impossible in some active voter set. */
  public boolean quorumImpossible(Predicate<Integer> rejected) {
    return blocked(voters, rejected) || (!outgoing.isEmpty() && blocked(outgoing, rejected));
  }

  /**
   * The largest index acknowledged by a quorum, given each voter's acknowledged index (Raft §5.3):
   * the minimum over both halves when joint.
   */
  public long committedIndex(ToLongFunction<Integer> acked) {
    long incoming = majorityIndex(voters, acked);
    return outgoing.isEmpty() ? incoming : Math.min(incoming, majorityIndex(outgoing, acked));
  }

  private static boolean majority(SortedSet<Integer> set, Predicate<Integer> granted) {
    if (set.isEmpty()) {
      return true;
    }
    int yes = 0;
    for (int id : set) {
      if (granted.test(id)) {
        yes++;
      }
    }
    return yes > set.size() / 2;
  }

  private static boolean blocked(SortedSet<Integer> set, Predicate<Integer> rejected) {
    if (set.isEmpty()) {
      return false;
    }
    int no = 0;
    for (int id : set) {
      if (rejected.test(id)) {
        no++;
      }
    }
    return no >= set.size() - set.size() / 2;
  }

  private static long majorityIndex(SortedSet<Integer> set, ToLongFunction<Integer> acked) {
    if (set.isEmpty()) {
      return Long.MAX_VALUE; // an empty half never constrains the other
    }
    long[] idx = new long[set.size()];
    int i = 0;
    for (int id : set) {
      idx[i++] = acked.applyAsLong(id);
    }
    java.util.Arrays.sort(idx);
    // ascending: the value at position n - (n/2 + 1) is held by at least n/2 + 1 voters
    return idx[idx.length - (idx.length / 2 + 1)];
  }
}
