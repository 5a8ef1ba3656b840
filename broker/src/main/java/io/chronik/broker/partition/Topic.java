package io.chronik.broker.partition;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/** A topic: its stable id and its partitions (index = partition number). */
public final class Topic {
  private final String name;
  private final Uuid id;
  final List<Partition> partitions = new ArrayList<>();

  Topic(String name, Uuid id) {
    this.name = name;
    this.id = id;
  }

  public String name() {
    return name;
  }

  public Uuid id() {
    return id;
  }

  public List<Partition> partitions() {
    return partitions;
  }

  /** The partition, or null when out of range. */
  public Partition partition(int index) {
    return index >= 0 && index < partitions.size() ? partitions.get(index) : null;
  }
}
