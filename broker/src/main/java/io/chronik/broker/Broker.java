package io.chronik.broker;

import io.chronik.broker.admin.AdminServer;
import io.chronik.broker.archive.ArchiveUploader;
import io.chronik.broker.api.ApiRouter;
import io.chronik.broker.api.AdvertisedAddress;
import io.chronik.broker.api.BrokerState;
import io.chronik.broker.api.MetadataState;
import io.chronik.broker.api.ConsumerLag;
import io.chronik.broker.metrics.NodeMetrics;
import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.BrokerSettings;
import io.chronik.raft.storage.NioDisk;
import io.chronik.broker.group.GroupCoordinator;
import io.chronik.broker.network.KafkaServer;
import io.chronik.broker.partition.ProducerIdAllocator;
import io.chronik.broker.replication.PeerTransports;
import io.chronik.broker.replication.ReplicatedNode;
import io.chronik.broker.protocol.RequestMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker node: the replication layer (metadata and partition Raft groups, driver, produce
 * pipeline, peer transport), one state thread that owns the request-facing state, and the Netty
 * listener in front.
 */
public final class Broker {
  private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
  private static final long GROUP_TICK_MS = 100;

  private final ScheduledExecutorService executor;
  private final ReplicatedNode replication;
  private final KafkaServer server;
  private final RequestMetrics metrics;
  private final NodeMetrics nodeMetrics;
  private final AdminServer admin;
  private final String adminHost;
  private final long handoffTimeoutMs;
  /** The snapshot archive's uploader, or null when archive.s3.uri is empty. */
  private final ArchiveUploader archive;

  private Broker(ScheduledExecutorService executor, ReplicatedNode replication, KafkaServer server,
      RequestMetrics metrics, NodeMetrics nodeMetrics, AdminServer admin, ArchiveUploader archive,
      long handoffTimeoutMs) {
    this.archive = archive;
    this.handoffTimeoutMs = handoffTimeoutMs;
    this.executor = executor;
    this.replication = replication;
    this.server = server;
    this.metrics = metrics;
    this.nodeMetrics = nodeMetrics;
    this.admin = admin;
    this.adminHost = admin == null ? "" : admin.host();
  }

  /** Starts a broker that halts the process (exit {@link NodeFence#EXIT_STORAGE_FAILED}) if its storage fails. */
  public static Broker start(BrokerConfig config) throws Exception {
    return start(config, NodeFence::haltProcess);
  }

  /** @param halt ends the process with a status when the node fences itself ({@link NodeFence}) */
  public static Broker start(BrokerConfig given, IntConsumer halt) throws Exception {
    Path data = given.dataDir();
    // durably: a power cut must not take the data dir's name (and every partition under it) away
    new NioDisk().createDirectoriesDurably(data);
    MetaProperties identity = MetaProperties.loadOrFormat(data, given.nodeId());
    BrokerConfig config = ClusterSeed.resolve(given, data);
    String clusterId = clusterId(data);
    NodeMetrics nodeMetrics = new NodeMetrics(config.nodeId());
    // the admin port binds first: a taken port fails the start before storage is opened
    AdminServer admin = null;
    try {
      admin = config.get(BrokerSettings.ADMIN_PORT) < 0 ? null : AdminServer.start(adminHost(config),
          config.get(BrokerSettings.ADMIN_PORT), nodeMetrics, data);
      return start(config, data, clusterId, identity, nodeMetrics, admin, new NodeFence(config.nodeId(), halt));
    } catch (Exception e) {
      if (admin != null) {
        admin.close();
      }
      nodeMetrics.close();
      throw e;
    }
  }

  private static String adminHost(BrokerConfig config) {
    return config.get(BrokerSettings.ADMIN_HOST).isEmpty() ? config.get(BrokerSettings.LISTENER_HOST)
        : config.get(BrokerSettings.ADMIN_HOST);
  }

  /**
   * A restarted node holds its listener back until its metadata image caught up with the current leader's
   * term, so that it does not answer UNKNOWN_TOPIC_OR_PARTITION for topics its log holds but it has not
   * applied yet (TopicConfigTest's describe right after a restart failed so, about one run in two). Bounded:
   * a node restarted while no metadata quorum exists (the others still down) serves what it has after the
   * bound. A node whose metadata log was empty (a new cluster) does not wait.
   */
  private static void awaitMetadata(ReplicatedNode replication, ScheduledExecutorService stateExecutor, long waitMs)
      throws Exception {
    long startNanos = System.nanoTime();
    long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(waitMs);
    while (!replication.metadataCaughtUp() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    stateExecutor.submit(() -> { }).get(); // the image's notifications to the state thread ran
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    if (replication.metadataCaughtUp()) {
      LOG.info("metadata=caught-up waitedMs={}", waitedMs);
    } else {
      LOG.warn("metadata=not-caught-up waitedMs={} reason=no-metadata-quorum action=serving-what-is-applied",
          waitedMs);
    }
  }

  private static Broker start(BrokerConfig config, Path data, String clusterId, MetaProperties identity,
      NodeMetrics nodeMetrics,
      AdminServer admin, NodeFence fence) throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "chronik-broker-state");
      t.setDaemon(false);
      return t;
    });
    GroupCoordinator groups = new GroupCoordinator(config.get(BrokerSettings.GROUP_SESSION_TIMEOUT_MIN_MS),
        config.get(BrokerSettings.GROUP_SESSION_TIMEOUT_MAX_MS), config.get(BrokerSettings.GROUP_INITIAL_REBALANCE_DELAY_MS));
    MetadataState metadata = new MetadataState(clusterId);
    Path restoredMarker = data.resolve(io.chronik.broker.archive.ArchiveRestore.RESTORED_FILE);
    ReplicatedNode replication = new ReplicatedNode(config, executor, metadata, PeerTransports.factory(config), fence,
        identity.directoryId(), !Files.exists(restoredMarker) ? null : registered -> {
          try {
            identity.adopt(data, registered);
            Files.deleteIfExists(restoredMarker);
          } catch (IOException e) {
            LOG.error("file={} reason=identity-not-adopted error={}", data.resolve(MetaProperties.FILE), e.toString());
          }
        });
    AdvertisedAddress advertised = new AdvertisedAddress();
    BrokerState state = new BrokerState(config, metadata, replication, new ProducerIdAllocator(data,
        config.get(BrokerSettings.PRODUCER_ID_BLOCK_SIZE), config.nodeId()), groups, executor, advertised);
    awaitMetadata(replication, executor, config.get(BrokerSettings.METADATA_READY_WAIT_MS));
    ApiRouter router = new ApiRouter(state);
    RequestMetrics metrics = new RequestMetrics(nodeMetrics.registry());
    KafkaServer server;
    try {
      server = new KafkaServer(config.get(BrokerSettings.LISTENER_HOST), config.get(BrokerSettings.LISTENER_PORT),
          config.get(BrokerSettings.TRANSPORT), config.get(BrokerSettings.IO_THREADS), config.get(BrokerSettings.REQUEST_BYTES_MAX),
          config.get(BrokerSettings.CONNECTION_INFLIGHT_REQUESTS_MAX), router::submit, metrics);
    } catch (Exception e) {
      replication.close();
      executor.shutdownNow();
      throw e;
    }
    String host = config.advertisedHost();
    int port = server.port();
    executor.submit(() -> advertised.bind(host, port)).get();
    nodeMetrics.bind(replication, state.traffic, executor, () -> ConsumerLag.take(state),
        config.get(BrokerSettings.REPLICA_LAG_ENTRIES_MAX), config.get(BrokerSettings.METRICS_PARTITION_SERIES));
    executor.scheduleWithFixedDelay(() -> groups.tick(System.currentTimeMillis()),
        GROUP_TICK_MS, GROUP_TICK_MS, TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(state::chooseClusterId, GROUP_TICK_MS, GROUP_TICK_MS, TimeUnit.MILLISECONDS);
    long metricsMs = config.get(BrokerSettings.METRICS_LOG_INTERVAL_MS);
    if (metricsMs > 0) {
      executor.scheduleWithFixedDelay(() -> LOG.info("requests {} pipeline {}", metrics.summary(),
          replication.metricsSummary()), metricsMs, metricsMs, TimeUnit.MILLISECONDS);
    }
    LOG.info("broker node={} cluster={} directory={} data={} advertised={}:{} nodes={}", config.nodeId(), clusterId,
        identity.directoryId(), data, host, port, config.clusterNodes().size());
    ArchiveUploader archive = ArchiveUploader.start(config, replication, nodeMetrics.registry(), data);
    return new Broker(executor, replication, server, metrics, nodeMetrics, admin, archive,
        config.get(BrokerSettings.SHUTDOWN_HANDOFF_TIMEOUT_MS));
  }

  private static String clusterId(Path data) throws IOException {
    Path f = data.resolve("cluster.id");
    if (Files.exists(f)) {
      return Files.readString(f, StandardCharsets.US_ASCII).trim();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(f, id, StandardCharsets.US_ASCII);
    return id;
  }

  public int port() {
    return server.port();
  }

  /** The admin HTTP port, or -1 when admin.port=-1. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  /** {@code http://host:port} of the admin port, or "" when there is none. */
  public String adminAddress() {
    return admin == null ? "" : "http://" + adminHost + ":" + admin.port();
  }

  public String transport() {
    return server.transport();
  }

  /**
   * Graceful stop (SIGTERM): hands leadership of every group this node leads to an up-to-date follower
   * (waiting at most shutdown.handoff.timeout.ms) while the listener still answers, so clients learn
   * the new leaders from this node's NOT_LEADER_OR_FOLLOWER answers and metadata; then {@link #close}s.
   * Nothing acknowledged depends on this: every acknowledged write is fsynced already.
   */
  public void shutdown() throws InterruptedException, ExecutionException {
    long startNanos = System.nanoTime();
    String handoff;
    try {
      handoff = replication.handOffLeadership().get(handoffTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      handoff = "complete=false timeoutMs=" + handoffTimeoutMs;
    }
    LOG.info("shutdown phase=handoff {}", handoff);
    close();
    LOG.info("shutdown phase=closed elapsedMs={}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /** Stops the listener, then closes storage on the state thread. */
  public void close() throws InterruptedException, ExecutionException {
    if (admin != null) {
      admin.close();
    }
    server.close();
    if (archive != null) {
      archive.close();
    }
    replication.close();
    executor.shutdown();
    executor.awaitTermination(5, TimeUnit.SECONDS);
    LOG.info("broker stopped requests {}", metrics.summary());
    nodeMetrics.close();
  }
}
