package io.chronik.broker.metrics;

import io.chronik.broker.api.ConsumerLag;
import io.chronik.broker.replication.ReplicatedNode;
import io.chronik.broker.replication.ReplicationSample;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;

/**
 * The node's metrics: one Prometheus registry behind Micrometer, every series labelled
 * {@code node_id}. Micrometer meters for the request path, traffic, pipeline and JVM; two collectors
 * for what must be read on its owner thread at scrape time (Raft groups, consumer groups).
 */
public final class NodeMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private ReplicationCollector replication;
  private volatile ReplicatedNode node;

  public NodeMetrics(int nodeId) {
    registry.config().commonTags("node_id", Integer.toString(nodeId));
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** The Micrometer registry, for meters registered elsewhere (request timers). */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Registers the data-path and replication series.
   *
   * @param lagEntriesMax a replica further behind than this counts as under-replicated
   * @param perPartition whether to export per-partition series (six per hosted partition)
   */
  public void bind(ReplicatedNode node, Traffic traffic, ExecutorService stateExecutor,
      Callable<ConsumerLag.View> consumerLag, long lagEntriesMax, boolean perPartition) {
    FunctionCounter.builder("chronik.produce.records", traffic, Traffic::recordsIn)
        .description("Records appended by produce requests (acks=1/all: durable; acks=0: accepted)").register(registry);
    FunctionCounter.builder("chronik.produce", traffic, Traffic::bytesIn).baseUnit("bytes")
        .description("Record batch bytes appended by produce requests").register(registry);
    FunctionCounter.builder("chronik.fetch", traffic, Traffic::bytesOut).baseUnit("bytes")
        .description("Record batch bytes returned by fetch requests").register(registry);
    FunctionCounter.builder("chronik.fetch.records", traffic, Traffic::recordsOut)
        .description("Records returned by fetch requests, from the fetch offset to the end of the last batch served")
        .register(registry);
    Gauge.builder("chronik.produce.requests.in.flight", traffic, Traffic::producesInFlight)
        .description("Produce requests waiting for their appends").register(registry);
    Gauge.builder("chronik.appends.in.flight", node, ReplicatedNode::appendsInFlight)
        .description("Appends accepted into the pipeline and not yet completed").register(registry);
    Gauge.builder("chronik.ring.occupied.slots", node, ReplicatedNode::ringOccupied)
        .description("Disruptor ring slots in use").register(registry);
    Gauge.builder("chronik.ring.slots", node, ReplicatedNode::ringSize)
        .description("Disruptor ring size").register(registry);
    Gauge.builder("chronik.partitions.open.failed", node, ReplicatedNode::partitionsOpenFailed)
        .description("Partitions this node should host whose storage failed to open (not served here)")
        .register(registry);
    this.node = node;
    FunctionCounter.builder("chronik.produce.rejections", node, n -> n.metrics().ringFullRejections())
        .tag("reason", "ring_full").description("Appends refused for back-pressure").register(registry);
    FunctionCounter.builder("chronik.produce.rejections", node, n -> n.metrics().inFlightFullRejections())
        .tag("reason", "in_flight_full").description("Appends refused for back-pressure").register(registry);
    FunctionCounter.builder("chronik.peer.messages.sent", node, n -> Math.max(0, n.peerMessagesSent()))
        .description("Raft messages sent to peers").register(registry);
    FunctionCounter.builder("chronik.peer.messages.dropped", node, n -> Math.max(0, n.peerMessagesDropped()))
        .description("Raft messages not sent: peer down, queue full or frame too large").register(registry);
    for (int peer : node.peers()) {
      Gauge.builder("chronik.peer.queue", node, n -> n.peerQueuedBytes(peer)).baseUnit("bytes").tag("peer",
          Integer.toString(peer)).description("Bytes queued on the outbound connection to the peer, not yet written "
              + "to its socket (over the high-water mark its messages are dropped)").register(registry);
    }
    replication = new ReplicationCollector(node, lagEntriesMax, perPartition);
    registry.getPrometheusRegistry().register(replication);
    registry.getPrometheusRegistry().register(new ConsumerGroupCollector(stateExecutor, consumerLag, node.nodeId()));
  }

  /** Partitions whose storage failed to open on this node (for /health); 0 before replication is bound. */
  public int partitionsOpenFailed() {
    ReplicatedNode bound = node;
    return bound == null ? 0 : bound.partitionsOpenFailed();
  }

  /** A fresh replication sample (for /ready), or null before replication is bound or first answers. */
  public ReplicationSample replicationSample() {
    return replication == null ? null : replication.sample();
  }

  /** The Prometheus text exposition (format 0.0.4) of every series. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
