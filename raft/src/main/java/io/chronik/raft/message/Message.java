package io.chronik.raft.message;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.SnapshotMeta;
import java.util.List;
import java.util.Objects;

/**
 * A message between two members of one Raft group. A single flat record (as etcd's raftpb.Message)
 * keeps the wire mapping trivial; unused fields are zero/empty. Transport and group addressing belong
 * to the driver: a node hosting many groups wraps these with a group id (see {@link PeerBatch}).
 *
 * @param index       APPEND: index preceding entries; APPEND_RESPONSE: last matching index (or rejected
 *                    index); VOTE/PRE_VOTE: candidate's last index; READ_INDEX_RESPONSE: read index
 * @param logTerm     term of {@code index}; on a rejected append, the term at {@code rejectHint}
 * @param commit      leader's commit index (APPEND, HEARTBEAT)
 * @param context     ReadIndex request id (HEARTBEAT round or READ_INDEX); 0 if none; on the last SNAPSHOT
 *                    chunk the CRC32C of the whole image (as an unsigned int)
 * @param transfer    VOTE triggered by TIMEOUT_NOW: voters disregard their leader lease
 */
public record Message(
    MessageType type,
    int from,
    int to,
    long term,
    long logTerm,
    long index,
    List<Entry> entries,
    long commit,
    boolean reject,
    long rejectHint,
    long context,
    boolean transfer,
    SnapshotMeta snapshot,
    long chunkOffset,
    byte[] chunk,
    boolean lastChunk) {

  private static final byte[] NO_BYTES = new byte[0];

  public Message {
    Objects.requireNonNull(type, "type");
    entries = entries == null ? List.of() : entries;
    chunk = chunk == null ? NO_BYTES : chunk;
  }

  public static Builder of(MessageType type, int from, int to, long term) {
    return new Builder(type, from, to, term);
  }

  /** Copy with a different recipient, for broadcasting one body. */
  public Message withTo(int newTo) {
    return new Message(type, from, newTo, term, logTerm, index, entries, commit, reject, rejectHint,
        context, transfer, snapshot, chunkOffset, chunk, lastChunk);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(from).append("->").append(to).append(' ').append(type).append(" term=").append(term);
    if (logTerm != 0 || index != 0) {
      sb.append(" logTerm=").append(logTerm).append(" index=").append(index);
    }
    if (!entries.isEmpty()) {
      sb.append(" entries=");
      for (Entry e : entries) {
        sb.append(e.term()).append('/').append(e.index()).append(e.type() == io.chronik.raft.log.EntryType.CONFIG ? "c" : "").append(',');
      }
      sb.setLength(sb.length() - 1);
    }
    if (commit != 0) {
      sb.append(" commit=").append(commit);
    }
    if (reject) {
      sb.append(" reject hint=").append(rejectHint);
    }
    if (context != 0) {
      sb.append(" ctx=").append(context);
    }
    if (transfer) {
      sb.append(" transfer");
    }
    if (snapshot != null) {
      sb.append(" snapshot=").append(snapshot.index()).append('/').append(snapshot.term())
          .append(" offset=").append(chunkOffset).append(" bytes=").append(chunk.length).append(lastChunk ? " last" : "");
    }
    return sb.toString();
  }

  /** Fluent construction: most messages set only a few fields. */
  public static final class Builder {
    private final MessageType type;
    private final int from;
    private final int to;
    private final long term;
    private long logTerm;
    private long index;
    private List<Entry> entries = List.of();
    private long commit;
    private boolean reject;
    private long rejectHint;
    private long context;
    private boolean transfer;
    private SnapshotMeta snapshot;
    private long chunkOffset;
    private byte[] chunk;
    private boolean lastChunk;

    Builder(MessageType type, int from, int to, long term) {
      this.type = type;
      this.from = from;
      this.to = to;
      this.term = term;
    }

    public Builder log(long idx, long lt) {
      this.index = idx;
      this.logTerm = lt;
      return this;
    }

    public Builder entries(List<Entry> e) {
      this.entries = e;
      return this;
    }

    public Builder commit(long c) {
      this.commit = c;
      return this;
    }

    public Builder reject(long hint, long hintTerm) {
      this.reject = true;
      this.rejectHint = hint;
      this.logTerm = hintTerm;
      return this;
    }

    public Builder rejected(boolean r) {
      this.reject = r;
      return this;
    }

    public Builder context(long c) {
      this.context = c;
      return this;
    }

    public Builder transfer(boolean t) {
      this.transfer = t;
      return this;
    }

    public Builder snapshot(SnapshotMeta meta, long offset, byte[] data, boolean last) {
      this.snapshot = meta;
      this.chunkOffset = offset;
      this.chunk = data;
      this.lastChunk = last;
      return this;
    }

    public Message build() {
      return new Message(type, from, to, term, logTerm, index, entries, commit, reject, rejectHint,
          context, transfer, snapshot, chunkOffset, chunk, lastChunk);
    }
  }
}
