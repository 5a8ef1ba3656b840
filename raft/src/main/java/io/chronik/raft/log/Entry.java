package io.chronik.raft.log;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Raft log entry. Index and term identify it (log matching: two logs holding an entry with the
 * same index and term are identical up to it). The payload array is owned by the entry once built:
 * nobody may mutate it, so entries can be shared between the unstable log, storage and messages
 * without copying.
 */
public record Entry(long index, long term, EntryType type, byte[] payload) {

  private static final byte[] EMPTY = new byte[0];

  public Entry {
    Objects.requireNonNull(type, "type");
    if (index < 1 || term < 0) {
      throw new IllegalArgumentException("index=" + index + " term=" + term + " reason=invalid-entry-id");
    }
    payload = payload == null ? EMPTY : payload;
  }

  public static Entry normal(long index, long term, byte[] payload) {
    return new Entry(index, term, EntryType.NORMAL, payload);
  }

  /** Bytes this entry costs in a message or on disk (payload plus a fixed header estimate). */
  public long sizeBytes() {
    return payload.length + 24L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e && e.index == index && e.term == term && e.type == type
        && Arrays.equals(e.payload, payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, term, type) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Entry[index=" + index + " term=" + term + " type=" + type + " bytes=" + payload.length + "]";
  }
}
