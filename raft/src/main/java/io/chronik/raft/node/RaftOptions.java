package io.chronik.raft.node;

/**
 * Tunables of one Raft group. Time is in ticks; the driver decides how long a tick is.
 *
 * @param electionTicks        base election timeout; each node draws from [electionTicks, 2*electionTicks)
 * @param heartbeatTicks       leader heartbeat interval; must be well below electionTicks
 * @param appendBytesMax       payload bytes per append message (batching bound)
 * @param inflightMax          unacknowledged appends per follower in REPLICATE (pipelining window)
 * @param uncommittedEntriesMax proposals are refused (back-pressure) beyond this many uncommitted entries
 * @param snapshotChunkBytes   InstallSnapshot chunk size
 * @param snapshotBytesPerTick InstallSnapshot bytes sent per follower per tick (at least one chunk): the
 *                             rate limit of a catch-up; {@code Long.MAX_VALUE} sends the image at once
 * @param snapshotWindowBytes  InstallSnapshot bytes sent but not yet acknowledged by the follower (at least
 *                             one chunk): the flow control that bounds what a transfer holds and queues
 * @param preVote              run a pre-vote round before incrementing the term
 * @param checkQuorum          leaders step down without a quorum of recent contact; voters honour a leader lease
 * @param quiesce              an idle leader whose followers have every entry stops heartbeating after one
 *                             QUIESCE message, and its followers stop their election timers, until any
 *                             traffic or {@link RaftNode#wake} (the driver's node-liveness detector) wakes the
 *                             group: thousands of idle groups then cost no messages at all. Off by default: a
 *                             driver that enables it must wake the groups of a peer it believes down
 * @param heldBytesMax         durable entries kept in memory until applied, so the apply does not read
 *                             them back from storage (0: it always reads storage); over the bound the
 *                             oldest are read from storage as before
 */
public record RaftOptions(
    int electionTicks,
    int heartbeatTicks,
    long appendBytesMax,
    int inflightMax,
    int uncommittedEntriesMax,
    int snapshotChunkBytes,
    long snapshotBytesPerTick,
    long snapshotWindowBytes,
    boolean preVote,
    boolean checkQuorum,
    boolean quiesce,
    long heldBytesMax) {

  public RaftOptions {
    if (heartbeatTicks <= 0 || electionTicks <= heartbeatTicks || inflightMax <= 0 || snapshotChunkBytes <= 0
        || snapshotBytesPerTick <= 0 || snapshotWindowBytes <= 0 || heldBytesMax < 0) {
      throw new IllegalArgumentException("electionTicks=" + electionTicks + " heartbeatTicks=" + heartbeatTicks
          + " inflightMax=" + inflightMax + " snapshotChunkBytes=" + snapshotChunkBytes
          + " snapshotBytesPerTick=" + snapshotBytesPerTick + " snapshotWindowBytes=" + snapshotWindowBytes
          + " heldBytesMax=" + heldBytesMax + " reason=invalid-options");
    }
  }

  /** The defaults every caller starts from; change single fields with {@link #toBuilder()}. */
  public static RaftOptions defaults() {
    return new Builder().build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public RaftOptions withPreVote(boolean on) {
    return toBuilder().preVote(on).build();
  }

  public RaftOptions withCheckQuorum(boolean on) {
    return toBuilder().checkQuorum(on).build();
  }

  public RaftOptions withSnapshotChunkBytes(int bytes) {
    return toBuilder().snapshotChunkBytes(bytes).build();
  }

  public RaftOptions withQuiesce(boolean on) {
    return toBuilder().quiesce(on).build();
  }

  /** Named setters over the defaults, so no caller repeats the defaults by position. */
  public static final class Builder {
    private int electionTicks = 10;
    private int heartbeatTicks = 2;
    private long appendBytesMax = 1 << 20;
    private int inflightMax = 64;
    private int uncommittedEntriesMax = 10_000;
    private int snapshotChunkBytes = 64 * 1024;
    private long snapshotBytesPerTick = Long.MAX_VALUE;
    private long snapshotWindowBytes = 4L << 20;
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private boolean quiesce;
    private long heldBytesMax = io.chronik.raft.log.RaftLog.HELD_BYTES_DEFAULT;

    private Builder() {}

    private Builder(RaftOptions o) {
      electionTicks = o.electionTicks;
      heartbeatTicks = o.heartbeatTicks;
      appendBytesMax = o.appendBytesMax;
      inflightMax = o.inflightMax;
      uncommittedEntriesMax = o.uncommittedEntriesMax;
      snapshotChunkBytes = o.snapshotChunkBytes;
      snapshotBytesPerTick = o.snapshotBytesPerTick;
      snapshotWindowBytes = o.snapshotWindowBytes;
      preVote = o.preVote;
      checkQuorum = o.checkQuorum;
      quiesce = o.quiesce;
      heldBytesMax = o.heldBytesMax;
    }

    public Builder electionTicks(int ticks) {
      this.electionTicks = ticks;
      return this;
    }

    public Builder heartbeatTicks(int ticks) {
      this.heartbeatTicks = ticks;
      return this;
    }

    public Builder appendBytesMax(long bytes) {
      this.appendBytesMax = bytes;
      return this;
    }

    public Builder inflightMax(int appends) {
      this.inflightMax = appends;
      return this;
    }

    public Builder uncommittedEntriesMax(int entries) {
      this.uncommittedEntriesMax = entries;
      return this;
    }

    public Builder snapshotChunkBytes(int bytes) {
      this.snapshotChunkBytes = bytes;
      return this;
    }

    public Builder snapshotWindowBytes(long bytes) {
      this.snapshotWindowBytes = bytes;
      return this;
    }

    public Builder snapshotBytesPerTick(long bytes) {
      this.snapshotBytesPerTick = bytes;
      return this;
    }

    public Builder preVote(boolean on) {
      this.preVote = on;
      return this;
    }

    public Builder checkQuorum(boolean on) {
      this.checkQuorum = on;
      return this;
    }

    public Builder quiesce(boolean on) {
      this.quiesce = on;
      return this;
    }

    public Builder heldBytesMax(long bytes) {
      this.heldBytesMax = bytes;
      return this;
    }

    /** Validates (the record's constructor) and builds. */
    public RaftOptions build() {
      return new RaftOptions(electionTicks, heartbeatTicks, appendBytesMax, inflightMax, uncommittedEntriesMax,
          snapshotChunkBytes, snapshotBytesPerTick, snapshotWindowBytes, preVote, checkQuorum, quiesce, heldBytesMax);
    }
  }
}
