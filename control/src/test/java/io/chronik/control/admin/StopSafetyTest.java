package io.chronik.control.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class StopSafetyTest {
  private static Node n(int id) {
    return new Node(id, "127.0.0.1", 9092 + id);
  }

  private static TopicDescription topic(String name, List<List<Integer>> replicasPerPartition) {
    List<TopicPartitionInfo> parts = new java.util.ArrayList<>();
    for (int p = 0; p < replicasPerPartition.size(); p++) {
      List<Node> replicas = replicasPerPartition.get(p).stream().map(StopSafetyTest::n).toList();
      parts.add(new TopicPartitionInfo(p, replicas.get(0), replicas, replicas));
    }
    return new TopicDescription(name, false, parts);
  }

  @Test
  void aNodeMayStopWhileEveryOtherVoterIsUp() {
    StopSafety s = StopSafety.judge(1, List.of(topic("t", List.of(List.of(0, 1, 2), List.of(1, 2, 0)))), List.of(0, 1, 2),
        id -> true);
    assertThat(s.safe()).isTrue();
    assertThat(s.lines(5)).containsExactly("safe-to-stop=true node=1 groups-losing-quorum=0");
  }

  @Test
  void withAnotherNodeDownEveryGroupOfBothIsNamedAndTheMetadataGroupToo() {
    Set<Integer> down = Set.of(2);
    StopSafety s = StopSafety.judge(0, List.of(topic("t", List.of(List.of(0, 1, 2), List.of(1, 2, 0), List.of(0, 1, 3)))),
        List.of(0, 1, 2), id -> !down.contains(id));
    assertThat(s.safe()).isFalse();
    assertThat(s.reasons()).containsExactly(
        "group=metadata voters=[0, 1, 2] up-without-node=[1] needed=2",
        "partition=t-0 replicas=[0, 1, 2] up-without-node=[1] needed=2",
        "partition=t-1 replicas=[1, 2, 0] up-without-node=[1] needed=2");
  }

  @Test
  void groupsTheNodeIsNotInDoNotMatterAndAReplicaOutOfSyncDoesNotCount() {
    TopicPartitionInfo lagging = new TopicPartitionInfo(0, n(1), List.of(n(1), n(2), n(3)), List.of(n(1), n(3)));
    TopicDescription t = new TopicDescription("lag", false, List.of(lagging));
    assertThat(StopSafety.judge(0, List.of(t), List.of(0, 1, 2, 3, 4), id -> true).safe()).as("not a replica").isTrue();
    StopSafety s = StopSafety.judge(3, List.of(t), List.of(0, 1, 2, 3, 4), id -> true);
    assertThat(s.reasons()).containsExactly("partition=lag-0 replicas=[1, 2, 3] up-without-node=[1] needed=2");
  }

  @Test
  void aLongListIsCutInTheReport() {
    StopSafety s = new StopSafety(4, List.of("a", "b", "c"));
    assertThat(s.lines(2)).containsExactly("safe-to-stop=false node=4 groups-losing-quorum=3", "a", "b", "... 1 more");
  }
}
