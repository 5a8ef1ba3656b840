package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.ClusterNodes;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.driver.DetachedProposal;
import io.chronik.pipeline.driver.DriverConfig;
import io.chronik.pipeline.driver.DriverFailure;
import io.chronik.pipeline.driver.DriverFailureListener;
import io.chronik.pipeline.driver.DrivenGroup;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.GroupReady;
import io.chronik.pipeline.driver.PeerTransport;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.pipeline.produce.PipelineConfig;
import io.chronik.pipeline.produce.ProducePipeline;
import io.chronik.pipeline.produce.PublishResult;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's share of the replicated cluster: the metadata group, the partition groups it hosts, the
 * Raft driver thread that owns them all, the Disruptor produce pipeline in front of it and the peer
 * transport behind it. The broker's state thread talks to it only through {@link #publish},
 * {@link #proposeMetadata}, {@link #readMetadata} and the {@link MetadataListener} callbacks. The
 * partition replicas the metadata image hosts open and close through {@link PartitionReplicas}; what a
 * non-leader proposes to the metadata group travels as {@link ForwardedProposals}.
 */
public final class ReplicatedNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicatedNode.class);
  /**
   * Raft group ids per node: the metadata group plus every partition that exists (a deleted topic's ids
   * are reused). Per-id state is a few array slots, so the bound costs about 2 MiB of heap. The highest
   * {@code raft.groups.max}; the metadata image refuses what would need more ({@link GroupIdSupply}).
   */
  public static final int GROUPS_MAX = 1 << 16;

  private final int selfId;
  private final ClusterNodes cluster;
  private final RaftOptions options;
  private final LogConfig logConfig;
  private final Path raftDir;
  private final NodeStorageSync storageSync;
  private final CleanShutdownRecord shutdownRecord;
  private final PartitionStores partitionStores;
  private final InFlightLimit inFlight;
  private final CompletionRegistry registry;
  private final PipelineMetrics metrics = new PipelineMetrics();
  private final RaftDriver<GroupMessage> driver;
  private final ProducePipeline pipeline;
  private final MetadataGroup metadata;
  private final MetadataImage image;
  private final ScheduledExecutorService ticker;
  private final PeerTransport<GroupMessage> transport;
  private final long randomSeed;
  private final Executor stateExecutor;
  private final MetadataListener listener;
  private final PeerLiveness liveness;
  private final LeaderPlacement placement;
  private final DriverViews views;
  private final PreferredElection preferredElection;
  private final ForwardedProposals forwarded;
  private final PartitionMoves moves;
  private final NodeRegistration registration;
  private final MetadataVoters voters;
  /** Pings newer than this keep a peer's groups' leases (0: raft.peer.lease off). */
  private final long aliveWindowNanos;
  /**
   * A peer silent for this many (base) election timeouts counts as down. Generous, because a false "down"
   * wakes every group it leads and may start elections; a killed peer is seen at once by its closed connection.
   */
  static final int SILENCE_ELECTION_TIMEOUTS = 4;
  /** A node whose loop began no round for this long (or 5 election timeouts if longer) pings "stalled". */
  static final long STALL_MS_MIN = 2_000;
  /** Raft messages received from peers, per message type (metrics; written by transport threads). */
  private final AtomicLongArray received = new AtomicLongArray(MessageType.values().length);
  /** Leaders' commit indexes as heard, per group: how far behind a follower is (readiness, metrics). */
  private final LeaderCommits leaderCommits = new LeaderCommits();
  private final AtomicBoolean commitNoticePending = new AtomicBoolean();
  private final DriverFailureListener onDriverFailure;

  /**
   * @param transports builds the peer transport from the inbound sink (a single node passes a factory
   *     returning a transport without peers)
   * @param onDriverFailure told once if the driver stops for good (the broker's {@code NodeFence} halts)
   */
  public ReplicatedNode(BrokerConfig config, Executor stateExecutor, MetadataListener listener,
      Function<Predicate<GroupMessage>, PeerTransport<GroupMessage>> transports, DriverFailureListener onDriverFailure,
      Uuid directoryId, java.util.function.Consumer<Uuid> adoptRegistered) throws IOException {
    this.onDriverFailure = onDriverFailure;
    this.selfId = config.nodeId();
    this.stateExecutor = stateExecutor;
    this.listener = listener;
    this.cluster = config.clusterNodes();
    this.options = GroupOptions.of(config);
    // a small write buffer: thousands of partitions each hold one (it grows for a large batch)
    this.logConfig = LogConfig.defaults().withSegmentBytes(config.get(BrokerSettings.LOG_SEGMENT_BYTES))
        .withWriteBufferBytes(64 << 10).withPreallocate(config.get(BrokerSettings.LOG_SEGMENT_PREALLOCATE));
    this.raftDir = config.dataDir().resolve("raft");
    this.storageSync = new NodeStorageSync(4, HardStateJournal.open(new NioDisk(), raftDir));
    this.shutdownRecord = CleanShutdownRecord.take(raftDir);
    this.partitionStores = new PartitionStores(raftDir, logConfig, config, storageSync.journal(),
        config.get(BrokerSettings.STORAGE_OPEN_THREADS), shutdownRecord);
    this.randomSeed = System.nanoTime() ^ ((long) selfId << 32);
    PipelineConfig pipelineConfig = PipelineConfig.defaults(GROUPS_MAX);
    this.inFlight = new InFlightLimit(pipelineConfig.inFlightMax());
    this.registry = new CompletionRegistry(GROUPS_MAX, inFlight);
    long tickMs = config.get(BrokerSettings.RAFT_TICK_MS);
    List<Integer> peers = cluster.nodes().stream().map(ClusterNodes.Node::id).filter(id -> id != selfId).toList();
    this.liveness = new PeerLiveness(selfId, directoryId, peers, ClusterNodes.NODE_ID_LIMIT,
        TimeUnit.MILLISECONDS.toNanos(SILENCE_ELECTION_TIMEOUTS * options.electionTicks() * tickMs), System.nanoTime());
    PartitionReplicas replicas = new PartitionReplicas(config, options, this::random, raftDir, partitionStores,
        storageSync, leaderCommits, registry, this::driver);
    this.image = new MetadataImage(replicas, stateExecutor, listener, config.seedNodes(),
        config.get(BrokerSettings.REPLICATION_FACTOR), config.get(BrokerSettings.RAFT_GROUPS_MAX));
    this.transport = transports.apply(new IncarnationFence(this::onPeerMessage, image));
    this.metadata = openMetadataGroup(config.seedNodes(), config.get(BrokerSettings.METADATA_SNAPSHOT_INTERVAL_ENTRIES),
        config.get(BrokerSettings.STORAGE_REPAIR_FROM_PEERS));
    this.placement = new LeaderPlacement(image, metadata, liveness,
        TimeUnit.MILLISECONDS.toNanos(config.get(BrokerSettings.LEADER_BALANCE_WARMUP_MS)));
    this.driver = new RaftDriver<>(new DriverConfig(ClusterNodes.NODE_ID_LIMIT, 8192, 1 << 16, 4096, 1_000_000),
        List.<DrivenGroup<GroupMessage>>of(metadata), storageSync, transport, this::apply, registry, metrics,
        RaftNodeGroup::groupOf, this::driverFailed);
    this.forwarded = new ForwardedProposals(selfId, driver, metadata, inFlight, transport);
    this.moves = new PartitionMoves(image, forwarded::forward);
    this.registration = new NodeRegistration(RegisteredNodes.Node.of(cluster.node(selfId), directoryId),
        image.registered, metadata::caughtUp, () -> metadata.configuration().members().contains(selfId),
        () -> metadata.configuration().members().stream().filter(m -> m != selfId && !liveness.appliesRegistrations(m))
            .sorted().toList(),
        forwarded::forward, c -> forwarded.forwardToEvery(c, liveness.peers()))
        .adoptingRegistered(adoptRegistered == null ? null : d -> { liveness.presents(d); adoptRegistered.accept(d); });
    this.voters = new MetadataVoters(metadata, image.registered, image.rejoins, driver::offerTask, image::partitionsOn,
        id -> liveness.alive(id, System.nanoTime(), TimeUnit.SECONDS.toNanos(3)), forwarded::forward);
    image.registered.onApplied(n -> { PeerTransports.addPeer(transport, n); liveness.addPeer(n.id(), System.nanoTime()); });
    this.views = new DriverViews(driver, selfId, raftDir, metadata, image, liveness, leaderCommits);
    this.preferredElection = new PreferredElection(driver, image, liveness, selfId);
    this.pipeline = new ProducePipeline(pipelineConfig, driver.proposalSink(), inFlight, metrics,
        r -> daemon(r, "chronik-produce-batcher"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "chronik-raft-tick"));
    driver.start(r -> daemon(r, "chronik-raft-driver"));
    // the topics of a stored metadata snapshot open now, not at the metadata group's first Ready
    driver.offerTask(metadata::loadStoredSnapshot);
    ticker.scheduleAtFixedRate(driver::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    long pingMs = tickMs * options.heartbeatTicks();
    this.aliveWindowNanos = config.get(BrokerSettings.RAFT_PEER_LEASE)
        ? TimeUnit.MILLISECONDS.toNanos(config.get(BrokerSettings.RAFT_PEER_LEASE_MS)) : 0;
    schedulePeriodic(config, tickMs, pingMs);
    log.info("replication node={} nodes={} electionTicks={} heartbeatTicks={} tickMs={}", selfId, cluster.size(),
        options.electionTicks(), options.heartbeatTicks(), tickMs);
  }

  /** The metadata group over its stored log, the seed's nodes its first voters (the log then has the say). */
  private MetadataGroup openMetadataGroup(ClusterNodes seed, long snapshotIntervalEntries, boolean repair)
      throws IOException {
    List<Integer> voters = new ArrayList<>();
    seed.nodes().forEach(n -> voters.add(n.id()));
    DurableLogStorage metaStorage = DurableLogStorage.open(new NioDisk(), raftDir.resolve(MetadataGroup.DIR),
        shutdownRecord.openConfig(MetadataGroup.DIR, logConfig),
        e -> LogEntry.NO_KEY, repair, storageSync.journal().slot(MetadataGroup.DIR));
    PartitionStores.reportRepair(MetadataGroup.DIR, metaStorage);
    // spare segments on the driver's preparation thread, as the partitions'; the driver is built next, so an
    // ask before that (at once, for a new log) is refused and that segment goes without
    metaStorage.log().prepareSparesOn(preparation -> {
      if (driver == null) {
        throw new RejectedExecutionException("group=metadata reason=driver-not-built");
      }
      driver.segmentPreparation().execute(preparation);
    });
    RaftNode metaNode = new RaftNode(selfId, metaStorage, Configuration.of(voters), options, random(0));
    if (selfId == voters.stream().min(Integer::compare).orElseThrow() && metaStorage.hardState().term() == 0) {
      metaNode.campaign(); // a fresh cluster: the lowest id stands at once instead of after a timeout
    }
    return new MetadataGroup(metaNode, metaStorage, storageSync, image, snapshotIntervalEntries);
  }

  /** The node's timers after the driver started: peer pings and liveness rounds, leader balance, retention, compaction. */
  private void schedulePeriodic(BrokerConfig config, long tickMs, long pingMs) {
    long stallNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(STALL_MS_MIN, 5L * options.electionTicks() * tickMs));
    if (!liveness.peers().isEmpty()) {
      ticker.scheduleAtFixedRate(() -> liveness.pingAll(transport, driver::offerTask,
          System.nanoTime() - driver.loopStartedNanos() > stallNanos), pingMs, pingMs, TimeUnit.MILLISECONDS);
      ticker.scheduleAtFixedRate(() -> driver.offerTask(this::livenessRound), pingMs, pingMs, TimeUnit.MILLISECONDS);
    }
    long balanceMs = config.get(BrokerSettings.LEADER_BALANCE_INTERVAL_MS);
    if (balanceMs > 0) {
      every(balanceMs, now -> placement.balance());
    }
    every(config.get(BrokerSettings.LOG_RETENTION_CHECK_INTERVAL_MS), image.maintenance::checkRetention);
    every(PartitionMoves.ROUND_MS, now -> { moves.round(); voters.round(System.nanoTime()); });
    every(NodeRegistration.ROUND_MS, now -> registration.round());
    every(config.get(BrokerSettings.LOG_CLEANER_BACKOFF_MS), image.maintenance::checkCompaction);
  }

  /** Driver thread, once, when the driver stopped for good: no more pings or ticks, then the node's fence. */
  private void driverFailed(DriverFailure reason, Throwable cause) {
    liveness.silence();
    ticker.shutdownNow();
    onDriverFailure.driverFailed(reason, cause);
  }

  /** Driver thread, once per heartbeat interval: act on peers gone down or come back. */
  private void livenessRound() {
    long now = System.nanoTime();
    liveness.round(now, transport::connected, placement::peerChanged);
    if (aliveWindowNanos > 0) {
      for (int peer : liveness.peers()) {
        if (liveness.alive(peer, now, aliveWindowNanos)) {
          placement.peerAlive(peer);
        }
      }
    }
  }

  /** Runs {@code check} on the driver thread every {@code periodMs}, with the wall clock's time. */
  private void every(long periodMs, java.util.function.LongConsumer check) {
    Runnable task = () -> driver.offerTask(() -> check.accept(System.currentTimeMillis()));
    ticker.scheduleAtFixedRate(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private RandomGenerator random(int groupId) {
    return new SplittableRandom(randomSeed * 31 + groupId);
  }

  private void apply(DrivenGroup<GroupMessage> group, GroupReady<GroupMessage> ready) {
    if (group == metadata) {
      metadata.apply(ready);
      metadata.serveReads(ready);
    } else if (ready.committedIndex() > 0) {
      ((PartitionGroup) group).apply(ready);
      if (commitNoticePending.compareAndSet(false, true)) {
        stateExecutor.execute(() -> {
          commitNoticePending.set(false);
          listener.partitionsCommitted();
        });
      }
    }
  }

  /** Peer transport inbound sink: false when the driver's queue is full (the transport backs off). */
  private boolean onPeerMessage(GroupMessage message) {
    Message m = message.message();
    liveness.heard(m.from(), System.nanoTime());
    received.incrementAndGet(m.type().ordinal());
    if (PeerLiveness.isPing(message)) {
      liveness.pinged(m, System.nanoTime());
      return true;
    }
    if (placement.refuses(m)) {
      return true;
    }
    if ((m.type() == MessageType.APPEND || m.type() == MessageType.HEARTBEAT) && m.term() > 0) {
      leaderCommits.heard(message.groupId(), message.incarnation(), m.commit());
    }
    if (ForwardedProposals.is(message)) {
      return forwarded.received(message);
    }
    return driver.offerInbound(message);
  }

  /**
   * Any thread, at graceful shutdown: from now on this node hands off leadership of every group it
   * leads, declines leadership and tells its peers so ({@link LeadershipHandoff}). Completes once it
   * leads no group another voter could take; the caller bounds the wait and closes this node after.
   */
  public CompletableFuture<String> handOffLeadership() {
    if (placement.startHandoff(System.nanoTime())) {
      ticker.scheduleAtFixedRate(() -> driver.offerTask(() -> placement.handoffRound(System.nanoTime())), 0,
          LeaderPlacement.HANDOFF_ROUND_MS, TimeUnit.MILLISECONDS);
    }
    return placement.done().thenApply(LeaderPlacement.Result::toString);
  }

  // ------------------------------------------------------------------ state-thread API

  /**
   * Publishes one produce append for an incarnation of a partition group (never blocks; back-pressure as
   * a result); the group refuses it NOT_LEADER if its id was handed to another partition meanwhile.
   */
  public PublishResult publish(int groupId, int incarnation, ByteBuffer payload, Acks acks, long cookie,
      AppendCallback callback, Executor executor) {
    return pipeline.tryPublish(groupId, incarnation, payload, acks, cookie, callback, executor);
  }

  /**
   * Proposes a metadata command on this node (it should lead the metadata group); the callback gets
   * SUCCESS once it is committed and applied. False (back-pressure) when it cannot be queued.
   */
  public boolean proposeMetadata(MetadataCommand command, long cookie, AppendCallback callback, Executor executor) {
    if (!inFlight.tryAcquire()) {
      return false;
    }
    SingleAppend append = new SingleAppend(0, ByteBuffer.wrap(MetadataCommand.encode(command)), cookie, callback,
        executor);
    if (!driver.offerProposal(DetachedProposal.copyOf(append))) {
      inFlight.release(1);
      return false;
    }
    return true;
  }

  /**
   * Asks the metadata leader to propose {@code command} (fire and forget: the caller watches the
   * metadata for the outcome, e.g. an auto-created topic appearing).
   */
  public void forwardMetadata(MetadataCommand command) {
    forwarded.forward(command);
  }

  /**
   * A linearizable read of the metadata: {@code onReady} runs on {@code executor} once this node, as
   * the confirmed leader, has applied everything committed before now. False when not the leader.
   */
  public boolean readMetadata(Runnable onReady, Executor executor) {
    if (!metadata.leading()) {
      return false;
    }
    return driver.offerTask(() -> {
      if (!metadata.read(() -> executor.execute(onReady))) {
        log.debug("read=metadata reason=not-servable-now");
      }
    });
  }

  public int nodeId() {
    return selfId;
  }

  public ClusterNodes cluster() {
    return cluster;
  }

  /** Current metadata (controller) leader as this node last saw it, or -1. */
  public int metadataLeader() {
    return metadata.leaderHint();
  }

  public boolean metadataLeading() {
    return metadata.leading();
  }

  /**
   * The metadata image holds every entry committed before the current leader's term, or the node had an
   * empty metadata log at open (any thread).
   */
  /** AddRaftVoter / RemoveRaftVoter of the metadata group. */
  public MetadataVoters metadataVoters() {
    return voters;
  }

  public boolean metadataCaughtUp() {
    return metadata.caughtUp();
  }

  public PipelineMetrics metrics() {
    return metrics;
  }

  /** Consistent views of this node's Raft groups, each taken on the driver thread. */
  public DriverViews views() {
    return views;
  }

  /** Preferred leader election on request (ElectLeaders). */
  public PreferredElection preferredElection() {
    return preferredElection;
  }

  /** Raft messages of {@code type} received from peers since start (any thread). */
  public long messagesReceived(MessageType type) {
    return received.get(type.ordinal());
  }

  /** Partitions this node should host whose storage failed to open since start (any thread). */
  public int partitionsOpenFailed() {
    return image.openFailures();
  }

  /** Produce appends accepted into the pipeline and not yet completed (any thread). */
  public long appendsInFlight() {
    return inFlight.inFlight();
  }

  /** Disruptor ring slots in use (any thread). */
  public long ringOccupied() {
    return pipeline.config().ringSize() - pipeline.remainingCapacity();
  }

  public int ringSize() {
    return pipeline.config().ringSize();
  }

  /** Peer messages dropped because a peer's queue was full or its connection down, or -1 without peers. */
  public long peerMessagesDropped() {
    return transport instanceof io.chronik.broker.peer.NettyPeerTransport netty ? netty.messagesDropped() : -1;
  }

  /** The other nodes of the cluster. */
  public List<Integer> peers() {
    return List.copyOf(liveness.peers());
  }

  /** Bytes queued for {@code peer} and not yet written to its socket (any thread; 0 without a connection). */
  public long peerQueuedBytes(int peer) {
    return transport instanceof io.chronik.broker.peer.NettyPeerTransport netty ? netty.queuedBytes(peer) : 0;
  }

  /** Peer messages sent, or -1 without peers. */
  public long peerMessagesSent() {
    return transport instanceof io.chronik.broker.peer.NettyPeerTransport netty ? netty.messagesSent() : -1;
  }

  /** Pipeline and peer-transport figures for the periodic metrics log line. */
  public String metricsSummary() {
    return metrics.snapshot().summary() + " inFlight=" + inFlight.inFlight() + PeerTransports.summary(transport)
        + " groups=" + storageSync.journal().groups() + " termChanges=" + driver.termChanges()
        + " ticksSkipped=" + driver.ticksSkipped() + " leaderTransfers=" + placement.leaderTransfers()
        + " groupsWoken=" + placement.groupsWoken() + " quiescent=" + placement.quiescent() + " hardStateSyncs=" + storageSync.journal().syncs()
        + " sparesPrepared=" + driver.segmentPreparation().done() + " sparesRefused=" + driver.segmentPreparation().refused();
  }

  /** The driver, for the partition replicas the image opens and closes (driver thread, after construction). */
  private RaftDriver<GroupMessage> driver() {
    return driver;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    pipeline.close();
    driver.close();
    if (transport instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("transport=peer reason=close-failed error={}", e.toString());
      }
    }
    partitionStores.close();
    // a clean stop: the driver (now ended) met no storage failure and every group opened
    boolean clean = !driver.failed() && image.openFailures() == 0;
    List<String> closed = image.closeAll(clean);
    try {
      metadata.close(clean);
    } catch (IOException | UncheckedIOException e) {
      closed = null;
      log.warn("group=metadata reason=close-failed error={}", e.toString());
    }
    storageSync.close(); // after the groups: a forced log flushes its hard state into the journal
    if (clean && closed != null) {
      closed.add(MetadataGroup.DIR);
      shutdownRecord.record(closed);
    }
  }
}
