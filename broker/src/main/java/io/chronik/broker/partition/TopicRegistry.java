package io.chronik.broker.partition;

import io.chronik.broker.replication.PartitionGroup;
import io.chronik.broker.replication.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The topics as the metadata group last told this node, on the broker's state thread. It is a view,
 * not a source of truth: every change arrives from the replicated metadata log, in log order.
 */
public final class TopicRegistry {
  private final Map<String, Topic> byName = new TreeMap<>();
  private final Map<Uuid, Topic> byId = new HashMap<>();

  public Topic topic(String name) {
    return byName.get(name);
  }

  public Topic topic(Uuid id) {
    return byId.get(id);
  }

  public Iterable<Topic> topics() {
    return byName.values();
  }

  /** Applies a created or grown topic; {@code hosted} holds this node's replicas by partition index. */
  public Topic update(TopicSpec spec, Map<Integer, PartitionGroup> hosted) {
    List<Partition> partitions = new ArrayList<>();
    for (TopicSpec.PartitionSpec p : spec.partitions()) {
      partitions.add(new Partition(new TopicPartition(spec.name(), p.index()), p, hosted.get(p.index())));
    }
    Topic t = new Topic(spec.name(), spec.id(), partitions, spec.configs());
    byName.put(t.name(), t);
    byId.put(t.id(), t);
    return t;
  }

  public void remove(String name) {
    Topic t = byName.remove(name);
    if (t != null) {
      byId.remove(t.id());
    }
  }
}
