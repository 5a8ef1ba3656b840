package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.ClusterNodes;
import io.chronik.broker.group.OffsetStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The metadata image snapshotted and restored without a running node (this node hosts no replica, so no
 * partition opens): a restored image, and the state thread it reports to, equal the image that replayed
 * the whole log, whether the restore happens into an empty image (a start) or over an older one (a
 * follower installing the leader's snapshot), and whatever entries follow the snapshot.
 */
class MetadataImageTest {
  private static final List<MetadataCommand> LOG = List.of(
      new MetadataCommand.ClusterId("first-cluster-id"),
      new MetadataCommand.CreateTopic("orders", 1, 1, 3, 3),
      new MetadataCommand.CreateTopic("logs", 2, 2, 2, 2, Map.of("retention.ms", "60000")),
      new MetadataCommand.CommitOffsets("g1", List.of(new MetadataCommand.Offset("orders", 0, 10, 1, "m"),
          new MetadataCommand.Offset("logs", 1, 5, 1, null))),
      new MetadataCommand.ClusterId("second-cluster-id"),
      new MetadataCommand.AddPartitions("orders", 5, 3),
      new MetadataCommand.MovePartition("orders", 4, List.of(2, 0, 1)),
      new MetadataCommand.MovePartition("orders", 3, List.of(0, 9)), // ignored: node 9 is no member
      new MetadataCommand.PartitionMoved("orders", 4, List.of(0, 1, 2)), // ignored: not the target
      new MetadataCommand.TopicConfigs("logs", Map.of("retention.bytes", "1024", "cleanup.policy", "compact")),
      new MetadataCommand.CommitOffsets("g2", List.of(new MetadataCommand.Offset("orders", 4, 7, 2, ""))),
      new MetadataCommand.CommitOffsets("g1", List.of(new MetadataCommand.Offset("orders", 0, 11, 2, "n"))),
      new MetadataCommand.PartitionMoved("orders", 4, List.of(2, 0, 1)),
      new MetadataCommand.DeleteTopic("logs"),
      new MetadataCommand.CreateTopic("logs", 3, 3, 1, 1),
      new MetadataCommand.CreateTopic("orders", 9, 9, 1, 1), // ignored: the name exists
      new MetadataCommand.CommitOffsets("g1", List.of(new MetadataCommand.Offset("logs", 0, 1, 3, null))),
      new MetadataCommand.DeleteTopic("orders"),
      new MetadataCommand.CreateTopic("orders", 4, 4, 2, 3),
      new MetadataCommand.MovePartition("orders", 1, List.of(1, 0)), // still moving at the end
      new MetadataCommand.MovePartition("logs", 0, List.of())); // ignored: no move to cancel

  /** What the state thread holds ({@code MetadataState}'s share): topics, offsets, cluster id. */
  static final class StateThread implements MetadataListener {
    final Map<String, TopicSpec> topics = new TreeMap<>();
    final OffsetStore offsets = new OffsetStore();
    String clusterId;
    GroupIdSupply groupIds;

    @Override
    public void groupIdsChanged(GroupIdSupply supply) {
      groupIds = supply;
    }

    @Override
    public void topicChanged(TopicSpec topic, Map<Integer, PartitionGroup> hosted) {
      topics.put(topic.name(), topic);
    }

    @Override
    public void topicDeleted(String name) {
      topics.remove(name);
      offsets.removeTopic(name);
    }

    @Override
    public void offsetsCommitted(String group, List<MetadataCommand.Offset> committed) {
      offsets.apply(group, committed);
    }

    @Override
    public void offsetsReplaced(Map<String, List<MetadataCommand.Offset>> committed) {
      offsets.replaceAll(committed);
    }

    @Override
    public void clusterIdChosen(String id) {
      clusterId = id;
    }

    @Override
    public void partitionsCommitted() {}

    /** Comparable view of everything held. */
    Map<String, Object> view() {
      Map<String, Map<TopicPartition, OffsetStore.Committed>> byGroup = new TreeMap<>();
      offsets.groupIds().forEach(g -> byGroup.put(g, new LinkedHashMap<>(offsets.committed(g))));
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("topics", new TreeMap<>(topics));
      all.put("offsets", byGroup);
      all.put("clusterId", String.valueOf(clusterId));
      all.put("groupIds", String.valueOf(groupIds));
      return all;
    }
  }

  /** A node of the cluster 0,1,2 that hosts none of the partitions (id 9 is in no replica list). */
  record NoReplicas(BrokerConfig config) implements PartitionHost {
    @Override
    public int selfId() {
      return 9;
    }

    @Override
    public List<PartitionOpening> openPartitions(TopicSpec topic, List<TopicSpec.PartitionSpec> specs) {
      throw new AssertionError("topic=" + topic.name() + " reason=no-replica-here");
    }

    @Override
    public void closePartition(int groupId) {
      throw new AssertionError("group=" + groupId + " reason=no-replica-here");
    }

    @Override
    public void forgetPartition(String topic, TopicSpec.PartitionSpec p) {}

    @Override
    public Path partitionDirPrefix() {
      return Path.of("target", "no-partitions-here");
    }
  }

  private final StateThread state = new StateThread();

  static MetadataImage image(StateThread listener) {
    return image(listener, ReplicatedNode.GROUPS_MAX);
  }

  static MetadataImage image(StateThread listener, int groupsMax) {
    return new MetadataImage(new NoReplicas(BrokerConfig.parse(new Properties())), Runnable::run, listener,
        ClusterNodes.parse("0@h:1:2,1@h:3:4,2@h:5:6"), 3, groupsMax);
  }

  private static MetadataImage replayed(StateThread listener, List<MetadataCommand> commands) {
    MetadataImage image = image(listener);
    commands.forEach(image::apply);
    return image;
  }

  /** A state machine that keeps nothing (groups under test whose commands do not matter). */
  static MetadataGroup.StateMachine ignoring() {
    return new MetadataGroup.StateMachine() {
      @Override
      public void apply(MetadataCommand command) {}

      @Override
      public MetadataSnapshot snapshot() {
        return new MetadataSnapshot(1, null, List.of(), Map.of());
      }

      @Override
      public void restore(MetadataSnapshot snapshot) {}
    };
  }

  @Test
  void aNodeThatLeftGetsNoNewReplicaAndNoMoveUntilItRegistersAgainAndASnapshotKeepsThat() {
    ClusterNodes four = ClusterNodes.parse("0@h:1:2,1@h:3:4,2@h:5:6,3@h:7:8");
    MetadataImage image = new MetadataImage(new NoReplicas(BrokerConfig.parse(new Properties())), Runnable::run, state,
        four, 3, ReplicatedNode.GROUPS_MAX);
    image.apply(new MetadataCommand.CreateTopic("before", 1, 1, 8, 3));
    assertThat(image.partitionsOn(3)).as("placed on all four").isPositive();
    image.apply(new MetadataCommand.RegisterNode(3, "h", 7, 8, 1, 2));
    image.apply(new MetadataCommand.UnregisterNode(3));
    assertThat(image.registered.node(3)).isNull();
    assertThat(image.registered.left(3)).isTrue();
    image.apply(new MetadataCommand.CreateTopic("after", 2, 2, 8, 3));
    assertThat(state.topics.get("after").partitions()).allSatisfy(p -> assertThat(p.replicas()).doesNotContain(3)
        .hasSize(3));
    image.apply(new MetadataCommand.MovePartition("after", 0, List.of(3, 1, 2)));
    assertThat(state.topics.get("after").partitions().get(0).moving()).as("no move to a node that left").isFalse();

    StateThread restoredState = new StateThread();
    MetadataImage restored = new MetadataImage(new NoReplicas(BrokerConfig.parse(new Properties())), Runnable::run,
        restoredState, four, 3, ReplicatedNode.GROUPS_MAX);
    restored.restore(MetadataSnapshot.decode(image.snapshot().encode()));
    assertThat(restored.snapshot()).isEqualTo(image.snapshot());
    assertThat(restored.registered.left()).containsExactly(3);
    restored.apply(new MetadataCommand.CreateTopic("restored", 3, 3, 8, 3));
    assertThat(restoredState.topics.get("restored").partitions()).allSatisfy(p -> assertThat(p.replicas())
        .doesNotContain(3));

    restored.apply(new MetadataCommand.RegisterNode(3, "h", 7, 8, 3, 4));
    assertThat(restored.registered.left(3)).as("registered again: back in the cluster").isFalse();
    restored.apply(new MetadataCommand.CreateTopic("back", 4, 4, 8, 3));
    assertThat(restoredState.topics.get("back").partitions()).anySatisfy(p -> assertThat(p.replicas()).contains(3));
  }

  @Test
  void whenEverySeedNodeLeftANewTopicIsRefusedOnEveryNodeAlike() {
    MetadataImage image = image(state);
    for (int id = 0; id < 3; id++) {
      image.apply(new MetadataCommand.UnregisterNode(id));
    }
    image.apply(new MetadataCommand.CreateTopic("nowhere", 1, 1, 2, 3));
    assertThat(state.topics).doesNotContainKey("nowhere");
    assertThat(image.snapshot().nextGroupId()).as("no group id spent").isEqualTo(1);
  }

  @Test
  void aRestoredImageEqualsTheImageThatReplayedTheWholeLog() {
    MetadataImage full = replayed(state, LOG);
    StateThread restoredState = new StateThread();
    MetadataImage restored = image(restoredState);
    restored.restore(MetadataSnapshot.decode(full.snapshot().encode()));
    assertThat(restored.snapshot()).isEqualTo(full.snapshot());
    assertThat(restoredState.view()).isEqualTo(state.view());
    assertThat(restoredState.clusterId).isEqualTo("first-cluster-id");
    assertThat(restoredState.topics.get("logs").partitions()).hasSize(1);
    assertThat(restoredState.offsets.committed("g1")).containsOnlyKeys(new TopicPartition("logs", 0));
  }

  @Test
  void aSnapshotAtAnyIndexPlusTheEntriesAfterItEqualsTheWholeLog() {
    MetadataImage full = replayed(state, LOG);
    for (int at = 0; at <= LOG.size(); at++) {
      MetadataSnapshot snapshot = replayed(new StateThread(), LOG.subList(0, at)).snapshot();
      StateThread restartedState = new StateThread();
      MetadataImage restarted = image(restartedState);
      restarted.restore(MetadataSnapshot.decode(snapshot.encode()));
      LOG.subList(at, LOG.size()).forEach(restarted::apply);
      assertThat(restarted.snapshot()).as("snapshotAt=" + at).isEqualTo(full.snapshot());
      assertThat(restartedState.view()).as("snapshotAt=" + at).isEqualTo(state.view());
    }
  }

  /** A follower that applied only a prefix installs the leader's later snapshot over its image. */
  @Test
  void aSnapshotRestoredOverAnOlderImageReplacesIt() {
    MetadataImage full = replayed(state, LOG);
    for (int behind = 0; behind <= LOG.size(); behind++) {
      for (int at = behind; at <= LOG.size(); at++) {
        StateThread followerState = new StateThread();
        MetadataImage follower = replayed(followerState, LOG.subList(0, behind));
        follower.restore(replayed(new StateThread(), LOG.subList(0, at)).snapshot());
        LOG.subList(at, LOG.size()).forEach(follower::apply);
        assertThat(follower.snapshot()).as("behind=" + behind + " at=" + at).isEqualTo(full.snapshot());
        assertThat(followerState.view()).as("behind=" + behind + " at=" + at).isEqualTo(state.view());
      }
    }
  }

  @Test
  void partitionGroupIdsContinueAfterARestoreAsThroughTheLog() {
    List<MetadataCommand> more = new ArrayList<>(LOG);
    more.add(new MetadataCommand.CreateTopic("after", 5, 5, 4, 3));
    MetadataImage full = replayed(state, more);
    MetadataImage restored = image(new StateThread());
    restored.restore(replayed(new StateThread(), LOG).snapshot());
    restored.apply(more.get(more.size() - 1));
    assertThat(restored.snapshot().topics()).isEqualTo(full.snapshot().topics());
    assertThat(restored.snapshot().nextGroupId()).isEqualTo(full.snapshot().nextGroupId());
  }

  /** Ids 1–5 after the metadata group's 0: what needs more than is left is refused whole and spends none. */
  @Test
  void aCommandNeedingMoreGroupIdsThanAreLeftIsRefusedWholeAndSpendsNone() {
    MetadataImage image = image(state, 6);
    assertThat(state.groupIds).isEqualTo(new GroupIdSupply(6, 1));
    image.apply(new MetadataCommand.CreateTopic("a", 1, 1, 3, 3)); // ids 1-3
    image.apply(new MetadataCommand.CreateTopic("b", 2, 2, 3, 3)); // needs 3, 2 left
    image.apply(new MetadataCommand.AddPartitions("a", 6, 3)); // needs 3, 2 left
    assertThat(state.topics).containsOnlyKeys("a");
    assertThat(state.topics.get("a").partitions()).hasSize(3);
    assertThat(state.groupIds).isEqualTo(new GroupIdSupply(6, 4));

    image.apply(new MetadataCommand.CreateTopic("c", 3, 3, 2, 3)); // exactly what is left
    assertThat(state.topics.get("c").partitions()).extracting(TopicSpec.PartitionSpec::groupId).containsExactly(4, 5);
    assertThat(state.groupIds).isEqualTo(new GroupIdSupply(6, 6));
    image.apply(new MetadataCommand.CreateTopic("d", 4, 4, 1, 3));
    assertThat(state.topics).containsOnlyKeys("a", "c");
    assertThat(state.groupIds.refusal(1))
        .isEqualTo("reason=raft-groups-exhausted groupsMax=6 groupsLeft=0 requested=1");
    assertThat(image.snapshot().nextGroupId()).isEqualTo(6);
  }

  /** A deleted topic gives its ids back: the next partitions get them, lowest first, as new incarnations. */
  @Test
  void aDeletedTopicsIdsGoToTheNextPartitionsLowestFirstAsNewIncarnations() {
    MetadataImage image = image(state, 6);
    image.apply(new MetadataCommand.CreateTopic("a", 1, 1, 3, 3)); // ids 1-3
    image.apply(new MetadataCommand.CreateTopic("b", 2, 2, 2, 3)); // ids 4-5: none left
    image.apply(new MetadataCommand.DeleteTopic("a"));
    assertThat(state.groupIds.retired()).containsExactly(Map.entry(1, 0), Map.entry(2, 0), Map.entry(3, 0));

    image.apply(new MetadataCommand.CreateTopic("a", 3, 3, 2, 3)); // the same name, a new topic

    assertThat(state.topics.get("a").partitions()).extracting(TopicSpec.PartitionSpec::groupId,
        TopicSpec.PartitionSpec::incarnation).containsExactly(org.assertj.core.groups.Tuple.tuple(1, 1),
        org.assertj.core.groups.Tuple.tuple(2, 1));
    image.apply(new MetadataCommand.DeleteTopic("a"));
    image.apply(new MetadataCommand.AddPartitions("b", 5, 3));
    assertThat(state.topics.get("b").partitions()).extracting(TopicSpec.PartitionSpec::groupId,
        TopicSpec.PartitionSpec::incarnation).containsExactly(org.assertj.core.groups.Tuple.tuple(4, 0),
        org.assertj.core.groups.Tuple.tuple(5, 0), org.assertj.core.groups.Tuple.tuple(1, 2),
        org.assertj.core.groups.Tuple.tuple(2, 2), org.assertj.core.groups.Tuple.tuple(3, 1));
    assertThat(state.groupIds).isEqualTo(new GroupIdSupply(6, 6));
  }

  /**
   * Nodes agree on every partition's id and incarnation: images fed the same seeded random log of
   * creations, growths and deletions (few ids, so they are reused over and over) snapshot alike, a snapshot
   * at any index plus the entries after it equals the whole log, and no live id is held twice nor any
   * (id, incarnation) handed out twice.
   */
  @Test
  void imagesFedTheSameLogWithReusedIdsAgreeAndNeverHandOutAnIncarnationTwice() {
    java.util.Random rnd = new java.util.Random(1313);
    List<MetadataCommand> log = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String name = "t" + rnd.nextInt(5);
      log.add(switch (rnd.nextInt(3)) {
        case 0 -> new MetadataCommand.CreateTopic(name, i, i, 1 + rnd.nextInt(3), 3);
        case 1 -> new MetadataCommand.AddPartitions(name, 1 + rnd.nextInt(5), 3);
        default -> new MetadataCommand.DeleteTopic(name);
      });
    }
    StateThread fullState = new StateThread();
    MetadataImage full = image(fullState, 9);
    Map<List<Integer>, String> owners = new java.util.HashMap<>(); // (id, incarnation) -> topic id/partition
    for (MetadataCommand c : log) {
      full.apply(c);
      List<Integer> live = new ArrayList<>();
      for (TopicSpec t : fullState.topics.values()) {
        for (TopicSpec.PartitionSpec p : t.partitions()) {
          live.add(p.groupId());
          String owner = t.id() + "/" + p.index();
          String had = owners.putIfAbsent(List.of(p.groupId(), p.incarnation()), owner);
          assertThat(had == null ? owner : had).as("group=%d incarnation=%d", p.groupId(), p.incarnation())
              .isEqualTo(owner);
        }
      }
      assertThat(live).doesNotHaveDuplicates();
    }
    assertThat(owners.keySet()).as("ids reused more than once").anyMatch(k -> k.get(1) > 1);
    for (int at = 0; at <= log.size(); at += 7) {
      MetadataImage other = image(new StateThread(), 9);
      other.restore(MetadataSnapshot.decode(replayedWith(9, log.subList(0, at)).snapshot().encode()));
      log.subList(at, log.size()).forEach(other::apply);
      assertThat(other.snapshot()).as("snapshotAt=" + at).isEqualTo(full.snapshot());
    }
  }

  private static MetadataImage replayedWith(int groupsMax, List<MetadataCommand> commands) {
    MetadataImage image = image(new StateThread(), groupsMax);
    commands.forEach(image::apply);
    return image;
  }

  @Test
  void aRestoredImageKeepsItsCapAndTellsTheStateThreadWhatIsLeft() {
    MetadataImage full = image(state, 6);
    full.apply(new MetadataCommand.CreateTopic("a", 1, 1, 4, 3));
    StateThread restoredState = new StateThread();
    MetadataImage restored = image(restoredState, 6);
    restored.restore(MetadataSnapshot.decode(full.snapshot().encode()));
    assertThat(restoredState.groupIds).isEqualTo(new GroupIdSupply(6, 5));
    restored.apply(new MetadataCommand.CreateTopic("b", 2, 2, 2, 3));
    assertThat(restoredState.topics).containsOnlyKeys("a");
  }
}
