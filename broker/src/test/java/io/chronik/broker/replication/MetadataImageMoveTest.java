package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.ClusterNodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Partition moves in the metadata image: the MovePartition and PartitionMoved records change a partition's
 * target and replicas as Kafka shows them, stale or invalid ones change nothing, and a node the move adds
 * opens its replica when the move is recorded (and only that node, only then).
 */
class MetadataImageMoveTest {
  private static final ClusterNodes FOUR = ClusterNodes.parse("0@h:1:2,1@h:3:4,2@h:5:6,3@h:7:8");

  /** Node {@code self}'s host: records which replicas the image asks it to open (their storage "fails"). */
  record RecordingHost(int self, List<TopicSpec.PartitionSpec> opened) implements PartitionHost {
    @Override
    public int selfId() {
      return self;
    }

    @Override
    public BrokerConfig config() {
      return BrokerConfig.parse(new Properties());
    }

    @Override
    public List<PartitionOpening> openPartitions(TopicSpec topic, List<TopicSpec.PartitionSpec> specs) {
      opened.addAll(specs);
      return specs.stream().map(p -> PartitionOpening.failed(p, new IOException("not opened in this test"))).toList();
    }

    @Override
    public void closePartition(int groupId) {
      throw new AssertionError("group=" + groupId + " reason=nothing-open");
    }

    @Override
    public void forgetPartition(String topic, TopicSpec.PartitionSpec p) {}

    @Override
    public Path partitionDirPrefix() {
      return Path.of("target", "no-partitions-here");
    }
  }

  private final MetadataImageTest.StateThread state = new MetadataImageTest.StateThread();
  private final RecordingHost node3 = new RecordingHost(3, new ArrayList<>());
  private final MetadataImage image = new MetadataImage(node3, Runnable::run, state, FOUR, 3, ReplicatedNode.GROUPS_MAX);

  /** Partition 3 of "t" takes group 4, placed on nodes 0, 1, 2 of the four. */
  MetadataImageMoveTest() {
    image.apply(new MetadataCommand.CreateTopic("t", 1, 2, 4, 3));
  }

  @Test
  void aMoveIsRecordedShownAsKafkaShowsItAndOpensTheAddedReplicaThere() {
    TopicSpec.PartitionSpec before = state.topics.get("t").partitions().get(3);
    assertThat(before.replicas()).containsExactly(0, 1, 2);
    int openedBefore = node3.opened().size();

    image.apply(new MetadataCommand.MovePartition("t", 3, List.of(3, 1, 2)));

    TopicSpec.PartitionSpec moving = state.topics.get("t").partitions().get(3);
    assertThat(moving.moving()).isTrue();
    assertThat(moving.shown()).containsExactly(3, 1, 2, 0);
    assertThat(moving.adding()).containsExactly(3);
    assertThat(moving.removing()).containsExactly(0);
    assertThat(node3.opened().subList(openedBefore, node3.opened().size())).containsExactly(moving);
  }

  @Test
  void onlyThePartitionMovedOfTheCurrentTargetEndsTheMove() {
    image.apply(new MetadataCommand.MovePartition("t", 3, List.of(3, 1, 2)));
    image.apply(new MetadataCommand.PartitionMoved("t", 3, List.of(0, 1, 2)));
    assertThat(state.topics.get("t").partitions().get(3).moving()).as("a stale report").isTrue();

    image.apply(new MetadataCommand.PartitionMoved("t", 3, List.of(3, 1, 2)));

    TopicSpec.PartitionSpec moved = state.topics.get("t").partitions().get(3);
    assertThat(moved.moving()).isFalse();
    assertThat(moved.replicas()).containsExactly(3, 1, 2);
    assertThat(moved.shown()).containsExactly(3, 1, 2);
    assertThat(moved.adding()).isEmpty();
    assertThat(moved.removing()).isEmpty();
  }

  @Test
  void aMoveToAnUnknownOrRepeatedNodeAndACancelWithoutAMoveChangeNothing() {
    TopicSpec before = state.topics.get("t");
    image.apply(new MetadataCommand.MovePartition("t", 3, List.of(3, 1, 7)));
    image.apply(new MetadataCommand.MovePartition("t", 3, List.of(3, 3, 1)));
    image.apply(new MetadataCommand.MovePartition("t", 3, List.of()));
    image.apply(new MetadataCommand.MovePartition("t", 9, List.of(0, 1, 2)));
    image.apply(new MetadataCommand.MovePartition("nope", 0, List.of(0, 1, 2)));
    assertThat(state.topics.get("t")).isEqualTo(before);
    assertThat(image.snapshot().topics()).containsExactly(before);
  }

  @Test
  void aCancelMovesBackToTheReplicasUntilTheGroupIsThere() {
    image.apply(new MetadataCommand.MovePartition("t", 3, List.of(3, 1, 2)));
    image.apply(new MetadataCommand.MovePartition("t", 3, List.of()));

    TopicSpec.PartitionSpec cancelled = state.topics.get("t").partitions().get(3);
    assertThat(cancelled.target()).as("a move back").containsExactly(0, 1, 2);
    assertThat(cancelled.adding()).isEmpty();
    assertThat(cancelled.removing()).isEmpty();
    image.apply(new MetadataCommand.PartitionMoved("t", 3, List.of(0, 1, 2)));
    assertThat(state.topics.get("t").partitions().get(3).moving()).isFalse();
  }

  @Test
  void aMoveSurvivesASnapshotAndARestartOpensTheAddedReplicaAgain() {
    image.apply(new MetadataCommand.MovePartition("t", 3, List.of(3, 1, 2)));
    MetadataSnapshot snapshot = MetadataSnapshot.decode(image.snapshot().encode());
    RecordingHost restarted = new RecordingHost(3, new ArrayList<>());
    MetadataImageTest.StateThread restartedState = new MetadataImageTest.StateThread();
    MetadataImage again = new MetadataImage(restarted, Runnable::run, restartedState, FOUR, 3,
        ReplicatedNode.GROUPS_MAX);

    again.restore(snapshot);

    assertThat(restartedState.topics).isEqualTo(state.topics);
    assertThat(restarted.opened()).contains(state.topics.get("t").partitions().get(3));
  }
}
