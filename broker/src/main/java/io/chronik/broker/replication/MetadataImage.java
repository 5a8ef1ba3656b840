package io.chronik.broker.replication;

import io.chronik.broker.config.ClusterNodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata state machine, on the driver thread: applies committed {@link MetadataCommand}s in log order,
 * opens and closes this node's partition groups, and tells the state thread. Apply is deterministic (group ids,
 * incarnations and replica placement depend only on the log and the seed), so every node derives the same
 * topics, and a restarted node rebuilds them from its latest {@link MetadataSnapshot} plus the entries after it.
 */
final class MetadataImage implements MetadataGroup.StateMachine {
  private static final Logger log = LoggerFactory.getLogger(MetadataImage.class);

  private final PartitionHost node;
  private final Executor stateExecutor;
  private final MetadataListener listener;
  private final List<Integer> nodeIds = new ArrayList<>();
  private final int replicationFactorMax;
  private final Map<String, TopicSpec> topics = new LinkedHashMap<>();
  /** The nodes' own registrations (addresses, directory ids); read from any thread. */
  final RegisteredNodes registered = new RegisteredNodes();
  /** Nodes back with a new data dir whose old incarnation some group still counts; read from any thread. */
  final ReplicaRejoins rejoins = new ReplicaRejoins();
  private final Map<Integer, PartitionGroup> hosted = new HashMap<>();
  /** Group ids of moving partitions whose replica here closed because its group left this node out. */
  private final java.util.Set<Integer> left = new java.util.HashSet<>();
  /** Committed offsets per consumer group (as the state thread's OffsetStore): a snapshot must hold them too. */
  private final Map<String, Map<TopicPartition, MetadataCommand.Offset>> offsets = new HashMap<>();
  /** Retention and compaction of the hosted partitions (driver thread, at their intervals). */
  final HostedMaintenance maintenance = new HostedMaintenance(this::hostedGroups);
  /** Group 0 is the metadata group; partitions get the lowest id a deleted topic gave back, else the next one. */
  private GroupIdSupply groupIds;
  /** Partitions this node should host whose storage did not open (driver thread writes; metrics, /health read). */
  private volatile int openFailures;

  MetadataImage(PartitionHost node, Executor stateExecutor, MetadataListener listener, ClusterNodes cluster,
      int replicationFactorMax, int groupsMax) {
    this.node = node;
    this.stateExecutor = stateExecutor;
    this.listener = listener;
    cluster.nodes().forEach(n -> nodeIds.add(n.id()));
    nodeIds.sort(Comparator.naturalOrder());
    this.replicationFactorMax = replicationFactorMax;
    supply(new GroupIdSupply(groupsMax, 1));
  }

  /** Makes {@code ids} this image's supply and tells the state thread (it answers requests from it). */
  private void supply(GroupIdSupply ids) {
    groupIds = ids;
    stateExecutor.execute(() -> listener.groupIdsChanged(ids));
  }

  /** The cluster id the metadata log chose, or null before it has one (driver thread). */
  private String clusterId;

  @Override
  public void apply(MetadataCommand command) {
    if (command instanceof MetadataCommand.CreateTopic c) {
      if (!topics.containsKey(c.name())) {
        grow(new TopicSpec(c.name(), new Uuid(c.idHigh(), c.idLow()), List.of(), c.configs()), c.partitions(),
            c.replicationFactor());
      }
    } else if (command instanceof MetadataCommand.AddPartitions a) {
      TopicSpec t = topics.get(a.name());
      if (t != null && a.partitions() > t.partitions().size()) {
        grow(t, a.partitions(), a.replicationFactor());
      }
    } else if (command instanceof MetadataCommand.TopicConfigs tc) {
      reconfigure(tc);
    } else if (command instanceof MetadataCommand.MovePartition m) {
      TopicSpec.PartitionSpec now = spec(m.topic(), m.partition());
      if (now != null && rejoins.pending(now.groupId())) {
        log.error("topic={} partition={} target={} reason=replica-rejoining", m.topic(), m.partition(), m.target());
      } else if (m.target().isEmpty() || validTarget(m.target())) {
        changePartition(m.topic(), m.partition(), p -> p.movingTo(m.target()));
      } else {
        log.error("topic={} partition={} target={} reason=move-to-unknown-or-repeated-node", m.topic(), m.partition(),
            m.target());
      }
    } else if (command instanceof MetadataCommand.PartitionMoved m) {
      changePartition(m.topic(), m.partition(), p -> p.moving() && p.target().equals(m.replicas()) ? p.moved() : p);
      TopicSpec.PartitionSpec now = spec(m.topic(), m.partition());
      if (now != null && now.replicas().equals(m.replicas())) {
        rejoins.moved(m.topic(), now, this::changePartition);
      }
    } else if (command instanceof MetadataCommand.DeleteTopic d) {
      delete(d.name());
    } else if (command instanceof MetadataCommand.RegisterNode r) {
      Uuid before = registered.directoryId(r.nodeId());
      registered.register(r);
      if (!before.equals(Uuid.ZERO_UUID) && !before.equals(registered.directoryId(r.nodeId()))) {
        rejoins.start(r.nodeId(), List.copyOf(topics.values()), this::changePartition); // its disk was lost
      }
    } else if (command instanceof MetadataCommand.ReplicaRejoined r) {
      rejoins.step(r.nodeId(), r.step());
    } else if (command instanceof MetadataCommand.UnregisterNode u) {
      registered.unregister(u.nodeId());
      rejoins.forget(u.nodeId());
    } else if (command instanceof MetadataCommand.ClusterId c) {
      if (clusterId == null) {
        clusterId = c.id();
        stateExecutor.execute(() -> listener.clusterIdChosen(c.id()));
      }
    } else if (command instanceof MetadataCommand.CommitOffsets c) {
      Map<TopicPartition, MetadataCommand.Offset> group = offsets.computeIfAbsent(c.group(), g -> new HashMap<>());
      for (MetadataCommand.Offset o : c.offsets()) {
        group.put(new TopicPartition(o.topic(), o.partition()), o);
      }
      stateExecutor.execute(() -> listener.offsetsCommitted(c.group(), c.offsets()));
    }
  }

  private void grow(TopicSpec topic, int partitions, int replicationFactor) {
    int added = Math.max(0, partitions - topic.partitions().size()); // a command without partitions takes none
    List<Integer> placed = registered.placeable(nodeIds); // never on a node that left (UnregisterNode)
    String refusal = placed.isEmpty() && added > 0 ? "reason=every-seed-node-left" : groupIds.refusal(added);
    if (refusal != null) {
      // refused whole, on every node alike: no id is spent and nothing of the command opens
      log.error("topic={} partitions={} {}", topic.name(), partitions, refusal);
      return;
    }
    List<GroupIdSupply.Grant> grants = groupIds.take(added);
    supply(groupIds.after(added));
    int rf = Math.max(1, Math.min(Math.min(replicationFactor <= 0 ? replicationFactorMax : replicationFactor,
        replicationFactorMax), placed.size()));
    List<TopicSpec.PartitionSpec> all = new ArrayList<>(topic.partitions());
    for (int index = topic.partitions().size(); index < partitions; index++) {
      GroupIdSupply.Grant grant = grants.get(index - topic.partitions().size());
      List<Integer> replicas = new ArrayList<>(rf);
      for (int r = 0; r < rf; r++) {
        replicas.add(placed.get((grant.groupId() + r) % placed.size()));
      }
      all.add(new TopicSpec.PartitionSpec(index, grant.groupId(), grant.incarnation(), replicas));
    }
    install(new TopicSpec(topic.name(), topic.id(), all, topic.configs()), topic.partitions().size());
  }

  /**
   * Makes {@code topic} this image's version of it: opens this node's replicas of its partitions from
   * index {@code known} on (the ones before are open already) and tells the state thread.
   */
  private void install(TopicSpec topic, int known) {
    topics.put(topic.name(), topic);
    Map<Integer, PartitionGroup> mine = hostedOf(topic);
    List<TopicSpec.PartitionSpec> here = new ArrayList<>();
    for (TopicSpec.PartitionSpec p : topic.partitions().subList(known, topic.partitions().size())) {
      if (p.hostedBy(node.selfId())) {
        here.add(p);
      }
    }
    open(topic, here, mine);
    Map<Integer, PartitionGroup> hostedNow = Map.copyOf(mine);
    stateExecutor.execute(() -> listener.topicChanged(topic, hostedNow));
  }

  /** Opens this node's replicas {@code here} of {@code topic}'s partitions and adds them to {@code mine}. */
  private void open(TopicSpec topic, List<TopicSpec.PartitionSpec> here, Map<Integer, PartitionGroup> mine) {
    long started = System.nanoTime();
    int fromSummary = 0;
    int indexFromFile = 0;
    for (PartitionOpening o : here.isEmpty() ? List.<PartitionOpening>of() : node.openPartitions(topic, here)) {
      TopicSpec.PartitionSpec p = o.spec();
      if (o.group() != null) {
        PartitionGroup group = o.group();
        fromSummary += group.openedFromLogSummary() ? 1 : 0;
        indexFromFile += group.indexFromFile() ? 1 : 0;
        group.retentionPolicy(RetentionPolicy.of(topic.configs(), node.config()));
        group.compaction().policy(CompactionPolicy.of(topic.configs(), node.config()));
        hosted.put(p.groupId(), group);
        mine.put(p.index(), group);
      } else if (o.failure() instanceof IOException || o.failure() instanceof UncheckedIOException) {
        // not hosted, so never led or acknowledged here; reported on /metrics and /health until a restart opens it
        openFailures++;
        log.error("topic={} partition={} group={} reason=open-failed openFailures={}", topic.name(), p.index(),
            p.groupId(), openFailures, o.failure());
      } else {
        throw new IllegalStateException("topic=" + topic.name() + " partition=" + p.index() + " reason=open-crashed",
            o.failure());
      }
    }
    if (!here.isEmpty()) {
      // fromSummary: logs that read no segment (a clean stop left their summary); the others scanned every frame;
      // indexFromFile: read indexes loaded from the clean close's file; the others read every retained entry
      log.info("topic={} partitions={} opened={} fromSummary={} indexFromFile={} openMs={}", topic.name(),
          topic.partitions().size(), here.size(), fromSummary, indexFromFile,
          java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  /** Partition {@code index} of {@code topic}, or null. */
  private TopicSpec.PartitionSpec spec(String topic, int index) {
    TopicSpec t = topics.get(topic);
    return t == null || index < 0 || index >= t.partitions().size() ? null : t.partitions().get(index);
  }

  /** Node ids of the seed or registered in the metadata, each once: a target a MovePartition may name. */
  private boolean validTarget(List<Integer> target) {
    return target.stream().allMatch(n -> (nodeIds.contains(n) || registered.node(n) != null) && !registered.left(n))
        && new java.util.HashSet<>(target).size() == target.size();
  }

  /** Replaces partition {@code index} of {@code topic} by what {@code change} makes of it, and hosts it accordingly. */
  private void changePartition(String topic, int index, java.util.function.UnaryOperator<TopicSpec.PartitionSpec> change) {
    TopicSpec t = topics.get(topic);
    if (t == null || index < 0 || index >= t.partitions().size()) {
      return;
    }
    TopicSpec.PartitionSpec before = t.partitions().get(index);
    TopicSpec.PartitionSpec after = change.apply(before);
    if (after.equals(before)) {
      return;
    }
    List<TopicSpec.PartitionSpec> all = new ArrayList<>(t.partitions());
    all.set(index, after);
    TopicSpec changed = new TopicSpec(t.name(), t.id(), all, t.configs());
    log.info("topic={} partition={} group={} replicas={} target={} reason={}", topic, index, after.groupId(),
        after.replicas(), after.target(), after.moving() ? "partition-moving" : "partition-moved");
    rehost(changed, List.of(after));
  }

  /**
   * Makes {@code topic} this image's version of it and this node's replicas of {@code specs} what they say:
   * opened where this node hosts one and has none, closed where it hosts none
   * ({@link #retireIfLeft}), each told its preferred replica; then tells the state thread.
   */
  private void rehost(TopicSpec topic, List<TopicSpec.PartitionSpec> specs) {
    topics.put(topic.name(), topic);
    Map<Integer, PartitionGroup> mine = hostedOf(topic);
    List<TopicSpec.PartitionSpec> here = new ArrayList<>();
    for (TopicSpec.PartitionSpec p : specs) {
      PartitionGroup group = hosted.get(p.groupId());
      if (group == null && p.hostedBy(node.selfId()) && (p.keptBy(node.selfId()) || !left.contains(p.groupId()))) {
        here.add(p);
      } else if (group != null) {
        group.preferredLeader(p.replicas().get(0));
        if (retireIfLeft(topic.name(), p, group)) {
          mine.remove(p.index());
        }
      }
      if (!p.moving() || p.keptBy(node.selfId())) {
        left.remove(p.groupId());
      }
    }
    open(topic, here, mine);
    Map<Integer, PartitionGroup> hostedNow = Map.copyOf(mine);
    stateExecutor.execute(() -> listener.topicChanged(topic, hostedNow));
  }

  /**
   * Closes this node's replica of {@code p} and deletes it if the partition no longer needs it: it is not
   * kept once the move is done, and either the move is done (PartitionMoved is only proposed once the group's
   * voters are exactly the new replicas) or the group's committed configuration already leaves this node
   * out. Not from the metadata alone while the group still counts this node: a move that is cancelled after
   * its new voters took over still needs them. Returns whether it closed.
   */
  private boolean retireIfLeft(String topic, TopicSpec.PartitionSpec p, PartitionGroup group) {
    int self = node.selfId();
    if (p.keptBy(self) || (p.moving() && group.raftNode().configuration().members().contains(self))) {
      return false;
    }
    hosted.remove(p.groupId());
    if (p.moving()) {
      left.add(p.groupId());
    }
    node.closePartition(p.groupId());
    node.forgetPartition(topic, p);
    GroupDirs.delete(node.partitionDirPrefix().resolve(GroupDirs.partition(topic, p)));
    log.info("topic={} partition={} group={} replicas={} target={} reason=replica-left-group", topic, p.index(),
        p.groupId(), p.replicas(), p.target());
    return true;
  }

  /**
   * Driver thread, every move round: closes this node's replicas of moving partitions whose group's
   * committed configuration no longer includes this node, so it never votes in a group it left.
   */
  void leaveGroupsLeft() {
    for (TopicSpec t : List.copyOf(topics.values())) {
      List<TopicSpec.PartitionSpec> gone = new ArrayList<>();
      for (TopicSpec.PartitionSpec p : t.partitions()) {
        PartitionGroup group = p.moving() ? hosted.get(p.groupId()) : null;
        if (group != null && !p.keptBy(node.selfId())
            && !group.raftNode().configuration().members().contains(node.selfId())) {
          gone.add(p);
        }
      }
      if (!gone.isEmpty()) {
        rehost(t, gone);
      }
    }
  }

  /** This node's replicas of partitions that move, each with its partition (driver thread). */
  List<PartitionMoves.Move> moves() {
    List<PartitionMoves.Move> moves = new ArrayList<>();
    for (TopicSpec t : topics.values()) {
      for (TopicSpec.PartitionSpec p : t.partitions()) {
        PartitionGroup group = p.moving() ? hosted.get(p.groupId()) : null;
        if (group != null) {
          moves.add(new PartitionMoves.Move(t.name(), p, group));
        }
      }
    }
    return moves;
  }

  /** Partitions that have {@code nodeId} among their replicas or move targets (driver thread). */
  long partitionsOn(int nodeId) {
    return topics.values().stream().flatMap(t -> t.partitions().stream())
        .filter(p -> p.replicas().contains(nodeId) || p.target().contains(nodeId)).count();
  }

  /** This node's open replicas of {@code topic}'s partitions, by partition index. */
  private Map<Integer, PartitionGroup> hostedOf(TopicSpec topic) {
    Map<Integer, PartitionGroup> mine = new HashMap<>();
    for (TopicSpec.PartitionSpec p : topic.partitions()) {
      PartitionGroup group = hosted.get(p.groupId());
      if (group != null) {
        mine.put(p.index(), group);
      }
    }
    return mine;
  }

  /** New configs for a topic: every hosted replica takes the retention settings they imply. */
  private void reconfigure(MetadataCommand.TopicConfigs command) {
    TopicSpec t = topics.get(command.name());
    if (t != null) {
      reconfigure(new TopicSpec(t.name(), t.id(), t.partitions(), command.configs()));
    }
  }

  private void reconfigure(TopicSpec changed) {
    topics.put(changed.name(), changed);
    RetentionPolicy policy = RetentionPolicy.of(changed.configs(), node.config());
    CompactionPolicy compaction = CompactionPolicy.of(changed.configs(), node.config());
    Map<Integer, PartitionGroup> mine = hostedOf(changed);
    for (PartitionGroup group : mine.values()) {
      group.retentionPolicy(policy);
      group.compaction().policy(compaction);
    }
    log.info("topic={} configs={} policy={} compaction={}", changed.name(), changed.configs(), policy, compaction);
    Map<Integer, PartitionGroup> hostedNow = Map.copyOf(mine);
    stateExecutor.execute(() -> listener.topicChanged(changed, hostedNow));
  }

  /** Everything the applied commands built up, for the metadata group's snapshot (driver thread). */
  @Override
  public MetadataSnapshot snapshot() {
    Map<String, List<MetadataCommand.Offset>> committed = new HashMap<>();
    Comparator<MetadataCommand.Offset> order = Comparator.comparing(MetadataCommand.Offset::topic)
        .thenComparingInt(MetadataCommand.Offset::partition);
    offsets.forEach((group, byPartition) -> committed.put(group,
        byPartition.values().stream().sorted(order).toList()));
    return new MetadataSnapshot(groupIds.next(), groupIds.retired(), clusterId, List.copyOf(topics.values()),
        committed, registered.all(), registered.left(), rejoins.all());
  }

  /**
   * Makes this image the snapshot's: at start (an empty image) and when a leader's snapshot was installed
   * (the image may hold anything older). Topics the snapshot lacks, or holds under another id, are deleted
   * like a DeleteTopic would; the others are opened, grown or reconfigured to match; the committed offsets
   * are replaced whole; a cluster id already chosen stays (every node applies the same first one).
   */
  @Override
  public void restore(MetadataSnapshot snapshot) {
    Map<String, TopicSpec> wanted = new LinkedHashMap<>();
    snapshot.topics().forEach(t -> wanted.put(t.name(), t));
    for (TopicSpec t : List.copyOf(topics.values())) {
      TopicSpec w = wanted.get(t.name());
      if (w == null || !w.id().equals(t.id()) || w.partitions().size() < t.partitions().size()) {
        delete(t.name());
      }
    }
    supply(new GroupIdSupply(groupIds.max(), snapshot.nextGroupId(), snapshot.retired()));
    for (TopicSpec w : snapshot.topics()) {
      TopicSpec had = topics.get(w.name());
      if (had == null || had.partitions().size() < w.partitions().size()) {
        install(w, had == null ? 0 : had.partitions().size());
      }
      if (had != null && !had.configs().equals(w.configs())) {
        reconfigure(w); // the replicas open already take the snapshot's policies
      }
      if (had != null && !had.partitions().equals(w.partitions())) {
        rehost(w, w.partitions().subList(0, had.partitions().size())); // moved partitions
      }
    }
    if (clusterId == null && snapshot.clusterId() != null) {
      clusterId = snapshot.clusterId();
      String chosen = clusterId;
      stateExecutor.execute(() -> listener.clusterIdChosen(chosen));
    }
    registered.replace(snapshot.nodes(), snapshot.left());
    rejoins.replace(snapshot.rejoins());
    offsets.clear();
    snapshot.offsets().forEach((group, list) -> {
      Map<TopicPartition, MetadataCommand.Offset> byPartition = offsets.computeIfAbsent(group, g -> new HashMap<>());
      list.forEach(o -> byPartition.put(new TopicPartition(o.topic(), o.partition()), o));
    });
    Map<String, List<MetadataCommand.Offset>> committed = snapshot.offsets();
    stateExecutor.execute(() -> listener.offsetsReplaced(committed));
  }

  /** The partition group {@code groupId} if this node hosts it, else null (driver thread). */
  PartitionGroup hosted(int groupId) {
    return hosted.get(groupId);
  }

  /** The partition groups this node hosts (driver thread). */
  java.util.Collection<PartitionGroup> hostedGroups() {
    return hosted.values();
  }

  private void delete(String name) {
    TopicSpec t = topics.remove(name);
    if (t == null) {
      return;
    }
    Map<Integer, Integer> released = new HashMap<>();
    for (TopicSpec.PartitionSpec p : t.partitions()) {
      released.put(p.groupId(), p.incarnation());
      left.remove(p.groupId());
      if (hosted.remove(p.groupId()) != null) {
        // all of it before the id can be handed out again: the group leaves the driver (its pending
        // appends fail), its hard state the journal, its directory the disk
        node.closePartition(p.groupId());
        node.forgetPartition(t.name(), p);
        GroupDirs.delete(node.partitionDirPrefix().resolve(GroupDirs.partition(t.name(), p)));
      }
    }
    rejoins.deleted(released.keySet());
    supply(groupIds.released(released)); // reusable from the next command on, alike on every node
    for (Map<TopicPartition, MetadataCommand.Offset> group : offsets.values()) {
      group.keySet().removeIf(tp -> tp.topic().equals(name)); // as the state thread's OffsetStore does
    }
    stateExecutor.execute(() -> listener.topicDeleted(name));
  }

  /** Closes every hosted partition (after the driver stopped). */
  int openFailures() {
    return openFailures;
  }

  /**
   * Closes every hosted group, each forced first when {@code force} (a clean stop); returns the directory
   * names of the groups closed, or null when one failed.
   */
  List<String> closeAll(boolean force) {
    List<String> closed = new ArrayList<>();
    boolean failed = false;
    for (PartitionGroup g : hosted.values()) {
      try {
        g.close(force);
        closed.add(GroupDirs.partition(g.partition().topic(), g.groupId(), g.incarnation(), g.partition().partition()));
      } catch (IOException | UncheckedIOException e) {
        failed = true;
        log.warn("partition={} reason=close-failed error={}", g.partition(), e.toString());
      }
    }
    maintenance.close(); // every group cancelled and awaited its compaction job above
    return failed ? null : closed;
  }
}
