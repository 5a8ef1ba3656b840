package io.chronik.broker;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.config.ClusterNodes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster a node joins through {@code cluster.bootstrap}: the founding members' {@code cluster.nodes} (the seed),
 * read once from a node of the running cluster by the Kafka protocol (DescribeCluster, then DescribeConfigs of
 * that broker) and kept in {@code <data.dir>/cluster.seed} (fsynced, renamed over), so that later starts need no
 * bootstrap and a start of every node at once works. The seed decides where topics are placed and the metadata
 * group's first configuration, so a joined node replays the metadata log exactly as the founders do.
 */
final class ClusterSeed {
  static final String FILE = "cluster.seed";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSeed.class);
  private static final long ASK_TIMEOUT_MS = 60_000;

  private ClusterSeed() {}

  /** {@code config} as given, or joined to the seed when {@code cluster.bootstrap} is set. */
  static BrokerConfig resolve(BrokerConfig config, Path dataDir) throws IOException, InterruptedException {
    String bootstrap = config.get(BrokerSettings.CLUSTER_BOOTSTRAP);
    if (bootstrap.isEmpty()) {
      return config;
    }
    Path file = dataDir.resolve(FILE);
    String spec;
    if (Files.exists(file)) {
      spec = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } else {
      spec = ask(bootstrap);
      write(dataDir, spec);
      LOG.info("bootstrap={} seed={} action=seed-stored", bootstrap, spec);
    }
    ClusterNodes seed;
    try {
      seed = ClusterNodes.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("file=" + file + " " + e.getMessage(), e);
    }
    if (seed.node(config.nodeId()) != null) {
      return config; // a founding member started with a bootstrap: nothing to join
    }
    return config.joined(seed, others(bootstrap, seed, config.nodeId()));
  }

  /**
   * Nodes that joined before this one, from DescribeQuorum's {@code CHRONIK_RAFT} listeners: the metadata leader
   * may be one of them, and this node must reach it to answer its appends before the log names it. Best effort
   * (a restart also learns them from its own log): none when the bootstrap does not answer in time.
   */
  private static ClusterNodes others(String bootstrap, ClusterNodes seed, int selfId) {
    java.util.List<ClusterNodes.Node> found = new java.util.ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
      QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS);
      for (QuorumInfo.Node n : q.nodes().values()) {
        RaftVoterEndpoint kafka = endpoint(n, "PLAINTEXT");
        RaftVoterEndpoint raft = endpoint(n, ClusterNodes.RAFT_LISTENER);
        if (n.nodeId() != selfId && seed.node(n.nodeId()) == null && kafka != null && raft != null) {
          found.add(new ClusterNodes.Node(n.nodeId(), raft.host(), kafka.port(), raft.port()));
        }
      }
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.warn("bootstrap={} reason=joined-nodes-not-described cause={} action=learning-them-from-the-log", bootstrap,
          String.valueOf(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new ClusterNodes(found);
  }

  private static RaftVoterEndpoint endpoint(QuorumInfo.Node node, String name) {
    return node.endpoints().stream().filter(e -> name.equals(e.listener())).findFirst().orElse(null);
  }

  /** The bootstrap node's {@code cluster.nodes}, retried until {@link #ASK_TIMEOUT_MS} (the cluster may be starting). */
  private static String ask(String bootstrap) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ASK_TIMEOUT_MS);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
        Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER,
            String.valueOf(nodes.iterator().next().id()));
        Config cfg = admin.describeConfigs(java.util.List.of(broker)).all().get(10, TimeUnit.SECONDS).get(broker);
        ConfigEntry entry = cfg.get(BrokerSettings.CLUSTER_NODES.key());
        if (entry != null && entry.value() != null && !entry.value().isEmpty()) {
          return entry.value();
        }
        last = new IllegalStateException("bootstrap=" + bootstrap + " reason=no-cluster-nodes-configured");
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("key=cluster.bootstrap value=" + bootstrap + " reason=seed-not-readable cause="
        + last, last);
  }

  private static void write(Path dataDir, String spec) throws IOException {
    Path tmp = dataDir.resolve(FILE + ".tmp");
    Files.writeString(tmp, spec + "\n", StandardCharsets.US_ASCII);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
