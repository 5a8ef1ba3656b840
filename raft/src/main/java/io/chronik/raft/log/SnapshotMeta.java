package io.chronik.raft.log;

import io.chronik.raft.membership.Configuration;
import java.util.Objects;

/**
 * Identifies a state-machine snapshot: it contains the effect of every entry up to and including
 * {@code index} (whose term is {@code term}), and {@code config} is the membership as of that index.
 * {@link #EMPTY} (index 0) means "no snapshot": the log starts at index 1.
 */
public record SnapshotMeta(long index, long term, Configuration config) {

  public static final SnapshotMeta EMPTY = new SnapshotMeta(0, 0, Configuration.EMPTY);

  public SnapshotMeta {
    Objects.requireNonNull(config, "config");
    if (index < 0 || term < 0) {
      throw new IllegalArgumentException("index=" + index + " term=" + term + " reason=negative");
    }
  }
}
