package io.chronik.control.nemesis;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's membership as the Kafka protocol shows and changes it, in the run's node names
 * ({@code n1}..): the workload topic's replica assignment (DescribeTopics), its moves
 * (AlterPartitionReassignments / ListPartitionReassignments) and the metadata group's voters
 * (DescribeQuorum, AddRaftVoter / RemoveRaftVoter). Each call may fail with a key=value
 * {@link RuntimeException} (the cluster refused or did not answer); callers retry within their bounds.
 */
public interface ClusterMembers {
  /** One member of the metadata group: its node, its directory id (empty while unknown) and log end. */
  record Member(String node, String directoryId, long logEndOffset) {}

  /** The metadata group: its leader (empty while there is none), voters, observers and high watermark. */
  record Quorum(String leader, List<Member> voters, List<Member> observers, long highWatermark) {
    public Quorum {
      voters = List.copyOf(voters);
      observers = List.copyOf(observers);
    }

    /** Whether {@code node} is a voter. */
    public boolean isVoter(String node) {
      return voters.stream().anyMatch(m -> m.node().equals(node));
    }

    /** Whether {@code node} is an observer whose log reached the high watermark (AddRaftVoter takes it). */
    public boolean caughtUpObserver(String node) {
      return observers.stream().anyMatch(m -> m.node().equals(node) && m.logEndOffset() >= highWatermark);
    }

    /** The voters' node names, sorted. */
    public List<String> voterNodes() {
      return voters.stream().map(Member::node).sorted().toList();
    }
  }

  /** The workload topic's replicas per partition, in preference order. */
  Map<Integer, List<String>> replicas();

  /** Asks the cluster to move each partition to its listed replicas (one AlterPartitionReassignments). */
  void move(Map<Integer, List<String>> targets);

  /** The workload topic's partitions still moving (ListPartitionReassignments). */
  Set<Integer> moving();

  /** The metadata group as DescribeQuorum shows it. */
  Quorum quorum();

  /** RemoveRaftVoter of {@code node} with its directory id. */
  void removeVoter(String node, String directoryId);

  /** AddRaftVoter of {@code node} with its directory id and its Kafka address. */
  void addVoter(String node, String directoryId);
}
