package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node back with a new directory id (a lost disk) is moved off every group it was a replica of and then back
 * in, and its messages are fenced in each group until the group no longer counts its old incarnation. Driven
 * through the metadata image as the log drives it, on a node hosting no replica.
 */
class ReplicaRejoinsTest {
  private final MetadataImageTest.StateThread state = new MetadataImageTest.StateThread();
  private final MetadataImage image = MetadataImageTest.image(state);

  private static MetadataCommand.RegisterNode register(int node, long directory) {
    return new MetadataCommand.RegisterNode(node, "h", 1, 2, directory, directory);
  }

  private TopicSpec.PartitionSpec spec(String topic, int index) {
    return state.topics.get(topic).partitions().get(index);
  }

  private static List<Integer> without(List<Integer> replicas, int node) {
    List<Integer> rest = new ArrayList<>(replicas);
    rest.remove(Integer.valueOf(node));
    return rest;
  }

  @Test
  void aNodeBackWithANewDirectoryIdLeavesEveryGroupItWasInAndReturnsAsANewReplica() {
    image.apply(new MetadataCommand.CreateTopic("t", 1, 1, 2, 3));
    image.apply(register(1, 7));
    image.apply(register(1, 7)); // the same incarnation again: nothing to do
    assertThat(image.rejoins.rejoining()).isZero();
    List<Integer> replicas0 = spec("t", 0).replicas();
    List<Integer> replicas1 = spec("t", 1).replicas();

    image.apply(register(1, 8)); // its disk was lost
    assertThat(image.rejoins.rejoining()).isEqualTo(1);
    assertThat(spec("t", 0).target()).isEqualTo(without(replicas0, 1));
    assertThat(spec("t", 1).target()).isEqualTo(without(replicas1, 1));
    int g0 = spec("t", 0).groupId();
    int g1 = spec("t", 1).groupId();
    assertThat(image.rejoins.fences(1, g0)).isTrue();
    assertThat(image.rejoins.fences(1, g1)).isTrue();
    assertThat(image.rejoins.fences(1, MetadataGroup.GROUP_ID)).isTrue();
    assertThat(image.rejoins.fences(0, g0)).as("the other replicas are not fenced").isFalse();
    image.apply(new MetadataCommand.MovePartition("t", 0, List.of(0, 1, 2)));
    assertThat(spec("t", 0).target()).as("an operator's move waits for the rejoin").isEqualTo(without(replicas0, 1));

    image.apply(new MetadataCommand.PartitionMoved("t", 0, without(replicas0, 1)));
    assertThat(spec("t", 0).replicas()).isEqualTo(without(replicas0, 1));
    assertThat(spec("t", 0).target()).as("back in, as a new learner").isEqualTo(replicas0);
    assertThat(image.rejoins.fences(1, g0)).as("group 0 no longer counts the old incarnation").isFalse();
    assertThat(image.rejoins.fences(1, g1)).isTrue();

    MetadataImageTest.StateThread restoredState = new MetadataImageTest.StateThread();
    MetadataImage restored = MetadataImageTest.image(restoredState);
    byte[] encoded = image.snapshot().encode();
    assertThat(encoded[4]).as("written as version 5 while a rejoin is under way").isEqualTo(MetadataSnapshot.VERSION_5);
    restored.restore(MetadataSnapshot.decode(encoded));
    assertThat(restored.snapshot()).isEqualTo(image.snapshot());
    assertThat(restored.rejoins.fences(1, g1)).isTrue();

    for (MetadataImage i : List.of(image, restored)) {
      i.apply(new MetadataCommand.ReplicaRejoined(1, ReplicaRejoins.VOTER_TO_RESTORE));
      i.apply(new MetadataCommand.ReplicaRejoined(1, ReplicaRejoins.METADATA_LEFT));
      assertThat(i.rejoins.fences(1, MetadataGroup.GROUP_ID)).isFalse();
      i.apply(new MetadataCommand.PartitionMoved("t", 1, without(replicas1, 1)));
      i.apply(new MetadataCommand.PartitionMoved("t", 0, replicas0));
      i.apply(new MetadataCommand.PartitionMoved("t", 1, replicas1));
      assertThat(i.rejoins.rejoining()).as("still to be made a metadata voter again").isEqualTo(1);
      i.apply(new MetadataCommand.ReplicaRejoined(1, ReplicaRejoins.VOTER_RESTORED));
      assertThat(i.rejoins.rejoining()).isZero();
    }
    assertThat(spec("t", 0).replicas()).isEqualTo(replicas0);
    assertThat(spec("t", 1).replicas()).isEqualTo(replicas1);
    assertThat(spec("t", 1).moving()).isFalse();
    assertThat(restored.snapshot()).isEqualTo(image.snapshot());
    assertThat(image.snapshot().encode()[4]).as("back to version 4 once done").isEqualTo(MetadataSnapshot.VERSION);
  }

  @Test
  void aPartitionWhoseOnlyReplicaLostItsDiskStaysAsItIs() {
    image.apply(new MetadataCommand.CreateTopic("solo", 1, 1, 3, 1));
    image.apply(register(1, 7));
    List<TopicSpec.PartitionSpec> before = state.topics.get("solo").partitions();
    image.apply(register(1, 8));
    assertThat(state.topics.get("solo").partitions()).isEqualTo(before);
    before.forEach(p -> assertThat(image.rejoins.fences(1, p.groupId())).isFalse());
    assertThat(image.rejoins.fences(1, MetadataGroup.GROUP_ID)).isTrue();
  }

  @Test
  void aNodeThatLeftAndRegistersAgainIsNewNotRejoiningAndADeletedTopicIsPendingNoMore() {
    image.apply(new MetadataCommand.CreateTopic("t", 1, 1, 1, 3));
    image.apply(register(2, 7));
    image.apply(new MetadataCommand.UnregisterNode(2));
    image.apply(register(2, 8));
    assertThat(image.rejoins.rejoining()).as("no old incarnation is registered").isZero();

    image.apply(register(2, 9));
    int g = spec("t", 0).groupId();
    assertThat(image.rejoins.fences(2, g)).isTrue();
    image.apply(new MetadataCommand.DeleteTopic("t"));
    assertThat(image.rejoins.fences(2, g)).isFalse();
    assertThat(image.rejoins.of(2).partitions()).isEmpty();
    image.apply(new MetadataCommand.UnregisterNode(2));
    assertThat(image.rejoins.rejoining()).isZero();
  }
}
