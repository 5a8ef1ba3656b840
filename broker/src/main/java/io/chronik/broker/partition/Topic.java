package io.chronik.broker.partition;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;

/**
 * A topic as this node's state thread sees it: its stable id, its partitions (index = number) and the
 * per-topic configs it set (the metadata group's; the rest are broker defaults).
 */
public final class Topic {
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final String name;
  private final Uuid id;
  private final List<Partition> partitions;
  private final Map<String, String> configs;

  public Topic(String name, Uuid id, List<Partition> partitions) {
    this(name, id, partitions, Map.of());
  }

  public Topic(String name, Uuid id, List<Partition> partitions, Map<String, String> configs) {
    this.name = name;
    this.id = id;
    this.partitions = List.copyOf(partitions);
    this.configs = Map.copyOf(configs);
  }

  /** The configs this topic set itself. */
  public Map<String, String> configs() {
    return configs;
  }

  /** Null if the name is legal, else the reason. */
  public static String invalidNameReason(String name) {
    if (name == null || !LEGAL_NAME.matcher(name).matches()) {
      return "topic names are 1-249 chars of [a-zA-Z0-9._-]";
    }
    if (name.equals(".") || name.equals("..")) {
      return "topic name cannot be '.' or '..'";
    }
    return null;
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
