package io.chronik.broker.replication;

/** One replica's open: its group, or why it could not open ({@code group} null). */
record PartitionOpening(TopicSpec.PartitionSpec spec, PartitionGroup group, Throwable failure) {
  PartitionOpening {
    assert (group == null) != (failure == null) : "spec=" + spec + " reason=exactly-one-of-group-or-failure";
  }

  static PartitionOpening opened(TopicSpec.PartitionSpec spec, PartitionGroup group) {
    return new PartitionOpening(spec, group, null);
  }

  static PartitionOpening failed(TopicSpec.PartitionSpec spec, Throwable failure) {
    return new PartitionOpening(spec, null, failure);
  }
}
