package io.chronik.raft.node;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.util.ArrayList;
import java.util.List;

/**
 * The outputs a node collects between two {@link Ready}s (messages, confirmed reads, the last durable
 * {@link HardState}) and the Ready/advance handshake with the driver: one Ready at a time, and
 * {@link #advance} moves the log's stable and applied marks to what the driver has done.
 */
final class ReadyAssembly {

  private final int id;
  private final RaftLog log;
  private final RaftOptions options;
  private final List<Message> outbox = new ArrayList<>();
  private final List<ReadState> readStates = new ArrayList<>();
  private HardState lastHardState;
  private boolean readyOutstanding;

  ReadyAssembly(int id, RaftLog log, RaftOptions options, HardState durable) {
    this.id = id;
    this.log = log;
    this.options = options;
    this.lastHardState = durable;
  }

  void send(Message m) {
    outbox.add(m);
  }

  void readState(ReadState state) {
    readStates.add(state);
  }

  /**
   * The term changed: an acknowledgement still queued may cover entries the new term's leader is about
   * to overwrite in this same Ready, so it would leave promising entries that never reach the disk.
   */
  void dropAcknowledgements() {
    outbox.removeIf(m -> m.type() == MessageType.APPEND_RESPONSE && !m.reject() && m.index() > 0);
  }

  boolean hasReady(long term, int vote) {
    // field by field: no HardState is built for the thousands of idle groups a driver asks each loop
    return !outbox.isEmpty() || !readStates.isEmpty() || term != lastHardState.term()
        || vote != lastHardState.vote() || log.committed() != lastHardState.commit()
        || log.hasUnstable() || log.hasNextCommitted(log.applied());
  }

  /** True when the driver made a hard state with this term and vote durable. */
  boolean durableVote(long term, int vote) {
    return lastHardState.term() == term && lastHardState.vote() == vote;
  }

  /** Opens a Ready; the node may still add messages before {@link #collect}. */
  void begin() {
    if (readyOutstanding) {
      throw new IllegalStateException("node=" + id + " reason=ready-without-advance");
    }
    readyOutstanding = true;
  }

  Ready collect(HardState hs, Role role, int leader, List<SnapshotChunk> snapshotChunks, long committedBytesMax) {
    Ready rd = new Ready(
        hs.equals(lastHardState) ? null : hs,
        log.unstableEntries(),
        log.pendingSnapshot(),
        snapshotChunks,
        committedBytesMax <= 0 ? List.of()
            : log.nextCommitted(log.applied(), Math.min(committedBytesMax, committedBytesPerReady())),
        List.copyOf(outbox),
        List.copyOf(readStates),
        role,
        leader);
    outbox.clear();
    readStates.clear();
    return rd;
  }

  /**
   * Payload bytes of committed entries handed out per Ready (at least one entry): a restarted node
   * re-applies its log in bounded steps instead of reading all of it into memory at once.
   */
  private long committedBytesPerReady() {
    return Math.max(options.appendBytesMax() * 8, 8L << 20);
  }

  /** The driver has durably persisted, sent and applied everything in {@code rd}. */
  void advance(Ready rd) {
    readyOutstanding = false;
    if (rd.hardState() != null) {
      lastHardState = rd.hardState();
    }
    if (rd.snapshot() != null) {
      log.stableSnapshotTo(rd.snapshot().index());
      log.appliedTo(rd.snapshot().index());
    }
    if (!rd.entries().isEmpty()) {
      Entry last = rd.entries().get(rd.entries().size() - 1);
      log.stableTo(last.index(), last.term());
    }
    if (!rd.committedEntries().isEmpty()) {
      log.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).index());
    }
  }
}
