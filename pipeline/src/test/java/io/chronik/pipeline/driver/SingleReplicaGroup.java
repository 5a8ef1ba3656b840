package io.chronik.pipeline.driver;

import io.chronik.pipeline.commit.DurableWriter;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.raft.node.ProposeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A group whose leader is its only voter (a one-member Raft group: the leader's own durable append
 * is the majority), so commit = persisted index, reported one loop later as in Raft. It heartbeats
 * its (non-voting) peers on every tick and steps down on a message of a higher term. Stands in for
 * the raft core's node until that adapter exists; it writes through a real {@link DurableWriter}.
 */
final class SingleReplicaGroup implements DrivenGroup<TestMessage> {
  private final int groupId;
  private final DurableWriter writer;
  private final int[] peers;
  private boolean leader;
  private long term;
  private final List<ByteBuffer> unstable = new ArrayList<>();
  private final List<Long> terms = new ArrayList<>();
  private long lastIndex;
  private long stableIndex;
  /** Last index handed to the writer; durable once the driver's sync returns. */
  private long persistedIndex;
  private long commitIndex;
  private boolean heartbeatDue;
  private boolean hardStateDirty;
  /** Like the core's uncommittedEntriesMax: proposals beyond it are refused. */
  int uncommittedMax = Integer.MAX_VALUE;
  /** A storage that says nothing is durable although the sync returned (a lost write). */
  boolean durableLost;

  SingleReplicaGroup(int groupId, DurableWriter writer, boolean leader, long term, int... peers) {
    this.groupId = groupId;
    this.writer = writer;
    this.leader = leader;
    this.term = term;
    this.peers = peers;
    terms.add(0L);
  }

  private record Ready(long firstIndex, List<ByteBuffer> entries, boolean hardState, long term, long commitIndex,
      long committedIndex, long committedTerm, List<TestMessage> messages) implements GroupReady<TestMessage> {
    @Override
    public boolean hasWrites() {
      return !entries.isEmpty() || hardState;
    }

    @Override
    public int entryCount() {
      return entries.size();
    }

    @Override
    public long lastPersistedIndex() {
      return entries.isEmpty() ? 0 : firstIndex + entries.size() - 1;
    }

    @Override
    public int messageCount() {
      return messages.size();
    }

    @Override
    public TestMessage message(int i) {
      return messages.get(i);
    }

    @Override
    public int messageTarget(int i) {
      return messages.get(i).target();
    }
  }

  @Override
  public int groupId() {
    return groupId;
  }

  @Override
  public void tick() {
    heartbeatDue = leader;
  }

  @Override
  public void step(TestMessage message) {
    if (message.term() > term) {
      term = message.term();
      leader = false;
      hardStateDirty = true;
    }
  }

  @Override
  public ProposeResult propose(AppendBatchView proposal) {
    if (!leader) {
      return ProposeResult.REFUSED_NOT_LEADER;
    }
    if (lastIndex - commitIndex + proposal.size() > uncommittedMax) {
      return ProposeResult.REFUSED_OVERLOADED;
    }
    long first = lastIndex + 1;
    for (int i = 0; i < proposal.size(); i++) {
      unstable.add(proposal.payload(i));
      terms.add(term);
      lastIndex++;
    }
    return ProposeResult.accepted(first);
  }

  @Override
  public long durableIndex() {
    return durableLost ? 0 : persistedIndex;
  }

  @Override
  public long term() {
    return term;
  }

  @Override
  public boolean hasReady() {
    return !unstable.isEmpty() || hardStateDirty || heartbeatDue || (leader && stableIndex > commitIndex);
  }

  @Override
  public GroupReady<TestMessage> ready() {
    long committed = leader && stableIndex > commitIndex ? stableIndex : 0;
    List<TestMessage> messages = new ArrayList<>();
    if (heartbeatDue) {
      for (int peer : peers) {
        messages.add(new TestMessage(groupId, peer, term, "heartbeat"));
      }
    }
    return new Ready(stableIndex + 1, List.copyOf(unstable), hardStateDirty || committed > 0, term,
        Math.max(commitIndex, committed), committed, committed > 0 ? terms.get((int) committed) : 0, messages);
  }

  @Override
  public void persist(GroupReady<TestMessage> groupReady) {
    Ready ready = (Ready) groupReady;
    try {
      for (int i = 0; i < ready.entries().size(); i++) {
        long index = ready.firstIndex() + i;
        writer.append(groupId, index, terms.get((int) index), ready.entries().get(i));
      }
      persistedIndex = Math.max(persistedIndex, ready.lastPersistedIndex());
      if (ready.hardState()) {
        writer.hardState(groupId, ready.term(), -1, ready.commitIndex());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void advance(GroupReady<TestMessage> groupReady) {
    Ready ready = (Ready) groupReady;
    unstable.subList(0, ready.entries().size()).clear();
    stableIndex = Math.max(stableIndex, ready.lastPersistedIndex());
    commitIndex = ready.commitIndex();
    heartbeatDue = false;
    hardStateDirty = false;
  }
}
