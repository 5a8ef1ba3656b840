package io.chronik.broker.metrics;

import io.chronik.broker.api.ConsumerLag;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Consumer group series, computed at scrape time on the broker's state thread (which owns offsets
 * and groups): lag per group/topic/partition on the partition's leader, members and generation on
 * the group's coordinator. Families are always present (empty when no group exists).
 */
final class ConsumerGroupCollector implements MultiCollector {
  private final ExecutorService stateExecutor;
  private final Callable<ConsumerLag.View> view;
  private final String nodeId;

  ConsumerGroupCollector(ExecutorService stateExecutor, Callable<ConsumerLag.View> view, int nodeId) {
    this.stateExecutor = stateExecutor;
    this.view = view;
    this.nodeId = Integer.toString(nodeId);
  }

  @Override
  public MetricSnapshots collect() {
    ConsumerLag.View v;
    try {
      Future<ConsumerLag.View> f = stateExecutor.submit(view);
      v = f.get(ReplicationCollector.SAMPLE_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MetricSnapshots.of();
    } catch (Exception e) {
      return MetricSnapshots.of(); // state thread busy or stopping: this scrape goes without them
    }
    GaugeSnapshot.Builder lag = GaugeSnapshot.builder().name("chronik_consumer_group_lag_records")
        .help("High watermark minus the group's committed offset (reported by the partition's leader)");
    for (ConsumerLag.Row r : v.lag()) {
      lag.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(r.lag()).labels(Labels.of("node_id", nodeId,
          "group", r.group(), "topic", r.topic(), "partition", Integer.toString(r.partition()))).build());
    }
    GaugeSnapshot.Builder members = GaugeSnapshot.builder().name("chronik_consumer_group_members")
        .help("Members of a group this node coordinates");
    GaugeSnapshot.Builder generation = GaugeSnapshot.builder().name("chronik_consumer_group_generation")
        .help("Generation of a group this node coordinates (one per completed rebalance)");
    for (ConsumerLag.GroupRow g : v.groups()) {
      Labels l = Labels.of("node_id", nodeId, "group", g.group());
      members.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(g.members()).labels(l).build());
      generation.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(g.generation()).labels(l).build());
    }
    return MetricSnapshots.of(lag.build(), members.build(), generation.build());
  }
}
