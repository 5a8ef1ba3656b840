package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * Each peer connection's Raft messages pass only once its sender presented the incarnation the metadata
 * registered, and not in a group that still counts the sender's old incarnation; pings and forwarded proposals
 * always pass.
 */
class IncarnationFenceTest {
  private final MetadataImageTest.StateThread state = new MetadataImageTest.StateThread();
  private final MetadataImage image = MetadataImageTest.image(state);
  private final List<GroupMessage> delivered = new ArrayList<>();
  private final IncarnationFence fence = new IncarnationFence(m -> delivered.add(m), image);

  private static final Uuid OLD = new Uuid(7, 7);
  private static final Uuid NEW = new Uuid(8, 8);

  private static GroupMessage vote(int from, int groupId) {
    return new GroupMessage(groupId, Message.of(MessageType.VOTE_RESPONSE, from, 0, 3).build());
  }

  private static GroupMessage ping(int from, Uuid directory) {
    return new PeerLiveness(from, directory, List.of(0), 8, 1_000_000_000L, 0).ping(0, false);
  }

  @Test
  void aConnectionsRaftMessagesWaitForItsPingAndAnUnregisteredIncarnationIsDropped() {
    image.apply(new MetadataCommand.RegisterNode(1, "h", 1, 2, 7, 7));
    Predicate<GroupMessage> connection = fence.connection();

    assertThat(connection.test(vote(1, MetadataGroup.GROUP_ID))).as("consumed (dropped), not back-pressure").isTrue();
    assertThat(delivered).as("nothing presented yet").isEmpty();

    assertThat(connection.test(ping(1, NEW))).isTrue();
    assertThat(connection.test(vote(1, MetadataGroup.GROUP_ID))).isTrue();
    assertThat(delivered).as("only the ping: incarnation 8 is not the registered one").hasSize(1);
    assertThat(fence.dropped()).isEqualTo(2);

    Predicate<GroupMessage> old = fence.connection();
    old.test(ping(1, OLD));
    old.test(vote(1, MetadataGroup.GROUP_ID));
    assertThat(delivered).hasSize(3);
  }

  @Test
  void aRegisteredNewIncarnationIsDroppedOnlyInTheGroupsThatStillCountItsOldOne() {
    image.apply(new MetadataCommand.CreateTopic("t", 1, 1, 2, 3));
    image.apply(new MetadataCommand.RegisterNode(1, "h", 1, 2, 7, 7));
    image.apply(new MetadataCommand.RegisterNode(1, "h", 1, 2, 8, 8));
    int g0 = state.topics.get("t").partitions().get(0).groupId();
    assertThat(fence.refusal(1, g0, NEW)).isEqualTo("old-incarnation-still-counted");
    assertThat(fence.refusal(1, MetadataGroup.GROUP_ID, NEW)).isEqualTo("old-incarnation-still-counted");
    assertThat(fence.refusal(1, g0, OLD)).startsWith("incarnation-not-registered");
    assertThat(fence.refusal(2, g0, new Uuid(5, 5))).as("node 2 never registered").isNull();
    assertThat(fence.refusal(1, g0, Uuid.ZERO_UUID)).as("a peer of a version without directory ids").isNull();
    assertThat(fence.refusal(1, g0, null)).isEqualTo("incarnation-not-presented-yet");
    assertThat(fence.refusal(2, g0, null)).as("an unregistered node (a new cluster) need not wait for a ping")
        .isNull();

    image.apply(new MetadataCommand.ReplicaRejoined(1, ReplicaRejoins.METADATA_LEFT));
    assertThat(fence.refusal(1, MetadataGroup.GROUP_ID, NEW)).isNull();
    assertThat(fence.refusal(1, g0, NEW)).isEqualTo("old-incarnation-still-counted");

    Predicate<GroupMessage> connection = fence.connection();
    connection.test(ping(1, NEW));
    GroupMessage forwarded = new GroupMessage(MetadataGroup.GROUP_ID, Message.of(MessageType.APPEND, 1, 0, 0).build());
    connection.test(forwarded);
    connection.test(vote(1, g0));
    connection.test(vote(1, MetadataGroup.GROUP_ID));
    assertThat(delivered).hasSize(3);
    assertThat(delivered.get(1)).isSameAs(forwarded);
  }
}
