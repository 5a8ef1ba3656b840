package io.chronik.raft.log;

/** What an entry's payload means to the core: opaque application data or a membership change. */
public enum EntryType {
  /** Application payload; the core never looks inside. An empty payload is a leader's no-op. */
  NORMAL,
  /** An encoded {@link io.chronik.raft.membership.ConfigChange}; takes effect when applied. */
  CONFIG
}
