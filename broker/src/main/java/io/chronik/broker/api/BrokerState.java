package io.chronik.broker.api;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.group.GroupCoordinator;
import io.chronik.broker.group.OffsetStore;
import io.chronik.broker.partition.ProducerIdAllocator;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.partition.TopicRegistry;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything the API handlers touch. All of it is confined to one thread, the broker's state
 * executor: handlers run there, timers fire there, so no handler needs locks.
 */
public final class BrokerState {
  final BrokerConfig config;
  final TopicRegistry topics;
  final ProducerIdAllocator producerIds;
  final GroupCoordinator groups;
  final OffsetStore offsets;
  final ScheduledExecutorService executor;
  final FetchWaiters fetchWaiters = new FetchWaiters();
  final String clusterId;
  final int nodeId;
  String advertisedHost;
  int advertisedPort;

  public BrokerState(BrokerConfig config, TopicRegistry topics, ProducerIdAllocator producerIds,
      GroupCoordinator groups, OffsetStore offsets, ScheduledExecutorService executor, String clusterId) {
    this.config = config;
    this.topics = topics;
    this.producerIds = producerIds;
    this.groups = groups;
    this.offsets = offsets;
    this.executor = executor;
    this.clusterId = clusterId;
    this.nodeId = config.nodeId();
  }

  public void advertise(String host, int port) {
    this.advertisedHost = host;
    this.advertisedPort = port;
  }

  /** Creates {@code name} with the default partition count if auto-creation is on; else null. */
  Topic autoCreate(String name) throws IOException {
    if (!config.bool("auto.create.topics.enable") || TopicRegistry.invalidNameReason(name) != null) {
      return null;
    }
    return topics.create(name, config.intValue("num.partitions"));
  }
}
