package io.chronik.broker;

import io.chronik.broker.api.ApiRouter;
import io.chronik.broker.api.BrokerState;
import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.group.GroupCoordinator;
import io.chronik.broker.group.OffsetStore;
import io.chronik.broker.network.KafkaServer;
import io.chronik.broker.partition.ProducerIdAllocator;
import io.chronik.broker.partition.TopicRegistry;
import io.chronik.broker.protocol.RequestMetrics;
import io.chronik.raft.storage.LogConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node broker: storage and groups opened from the data dir, one state thread that owns
 * all of it, and the Netty listener in front.
 */
public final class Broker {
  private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
  private static final long GROUP_TICK_MS = 100;

  private final ScheduledExecutorService executor;
  private final TopicRegistry topics;
  private final OffsetStore offsets;
  private final KafkaServer server;
  private final RequestMetrics metrics;

  private Broker(ScheduledExecutorService executor, TopicRegistry topics, OffsetStore offsets,
      KafkaServer server, RequestMetrics metrics) {
    this.executor = executor;
    this.topics = topics;
    this.offsets = offsets;
    this.server = server;
    this.metrics = metrics;
  }

  public static Broker start(BrokerConfig config) throws Exception {
    Path data = config.dataDir();
    Files.createDirectories(data);
    String clusterId = clusterId(data);
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "chronik-broker-state");
      t.setDaemon(false);
      return t;
    });
    LogConfig logConfig = new LogConfig(config.intValue("log.segment.bytes"), 4096, 64 << 10,
        config.bool("log.segment.preallocate"));
    TopicRegistry topics = new TopicRegistry(data, logConfig);
    OffsetStore offsets = new OffsetStore(data.resolve("group-offsets"), logConfig);
    GroupCoordinator groups = new GroupCoordinator(config.intValue("group.session.timeout.min.ms"),
        config.intValue("group.session.timeout.max.ms"), config.intValue("group.initial.rebalance.delay.ms"));
    BrokerState state = new BrokerState(config, topics,
        new ProducerIdAllocator(data, config.intValue("producer.id.block.size")), groups, offsets, executor, clusterId);
    ApiRouter router = new ApiRouter(state);
    RequestMetrics metrics = new RequestMetrics(new SimpleMeterRegistry());
    KafkaServer server;
    try {
      server = new KafkaServer(config.string("listener.host"), config.intValue("listener.port"),
          config.string("transport"), config.intValue("io.threads"), config.intValue("request.bytes.max"),
          config.intValue("connection.inflight.requests.max"), router::submit, metrics);
    } catch (Exception e) {
      executor.shutdownNow();
      topics.close();
      offsets.close();
      throw e;
    }
    String host = config.string("advertised.host").isEmpty()
        ? config.string("listener.host") : config.string("advertised.host");
    int port = server.port();
    executor.submit(() -> state.advertise(host, port)).get();
    executor.scheduleWithFixedDelay(() -> groups.tick(System.currentTimeMillis()),
        GROUP_TICK_MS, GROUP_TICK_MS, TimeUnit.MILLISECONDS);
    long metricsMs = config.intValue("metrics.log.interval.ms");
    if (metricsMs > 0) {
      executor.scheduleWithFixedDelay(() -> LOG.info("requests {}", metrics.summary()),
          metricsMs, metricsMs, TimeUnit.MILLISECONDS);
    }
    LOG.info("broker node={} cluster={} data={} advertised={}:{}", config.nodeId(), clusterId, data, host, port);
    return new Broker(executor, topics, offsets, server, metrics);
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

  public String transport() {
    return server.transport();
  }

  /** Stops the listener, then closes storage on the state thread. */
  public void close() throws InterruptedException, ExecutionException {
    server.close();
    executor.submit(() -> {
      topics.close();
      try {
        offsets.close();
      } catch (IOException e) {
        LOG.warn("reason=offsets-close-failed error={}", e.toString());
      }
    }).get();
    executor.shutdown();
    executor.awaitTermination(5, TimeUnit.SECONDS);
    LOG.info("broker stopped requests {}", metrics.summary());
  }
}
