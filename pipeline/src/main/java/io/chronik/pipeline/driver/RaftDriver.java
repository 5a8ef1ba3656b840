package io.chronik.pipeline.driver;

import io.chronik.pipeline.commit.DurableSync;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.metrics.PipelineMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns every Raft group of the node (no thread per group). Inputs arrive on
 * bounded JCTools MPSC queues (proposals, peer messages) and a tick counter; each loop:
 *
 * <ol>
 *   <li>drain ticks, peer messages and proposals into the groups (step / propose);</li>
 *   <li>collect the Ready of every group; send the leaders' appends and heartbeats at once (they
 *       promise nothing about this node's disk, so the followers write in parallel with the leader);
 *       persist all entries and hard states, then ONE sync for the node ({@link ReadyBatch}: group commit
 *       across groups; acks=1 appends complete after it);</li>
 *   <li>send the other messages (votes, append responses), coalesced per peer node (one {@code send}
 *       per peer, one {@code flush});</li>
 *   <li>apply committed entries, complete acks=all appends, and advance every group.</li>
 * </ol>
 *
 * <p>Invariant (the storage durability contract): no message that promises durable state (votes,
 * append responses) leaves and no Ready is advanced before the sync covering its writes returned. A failed write
 * or sync (also one inside a task), a commit beyond the durable index or any other error of the loop stops the driver
 * for good, fails every pending append and tells the {@link DriverFailureListener}: a node that cannot persist
 * must not keep promising, and its frozen groups must not keep looking alive (the broker halts).
 *
 * @param <M> the peer message type
 */
public final class RaftDriver<M> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);

  private final DriverConfig config;
  /** Slot per group id (null: not hosted here); {@link #hosted} lists the non-null ones in id order of arrival. */
  private final DrivenGroup<M>[] groups;
  private final List<DrivenGroup<M>> hosted = new ArrayList<>();
  private final CompletionRegistry registry;
  private final ToIntFunction<M> groupOfMessage;

  private final MpscArrayQueue<DetachedProposal> proposals;
  private final MpscArrayQueue<M> inbound;
  private final MpscArrayQueue<Runnable> tasks;
  private final MessagePassingQueue.Consumer<Runnable> runTask = this::runTask;
  private final AtomicLong pendingTicks = new AtomicLong();
  private final MessagePassingQueue.Consumer<M> stepInbound = this::stepInbound;
  private final MessagePassingQueue.Consumer<DetachedProposal> proposeOne = this::propose;
  /** Proposals for groups whose leader here is handing off (driver thread). */
  private final TransferHold transferHold;
  /** Logical ticks this driver has run (at most one per loop, like the groups'). */
  private long tickCount;

  /** The Readies of the current loop (driver thread only). */
  private final ReadyBatch<M> batch;
  private final PeerOutbox<M> outbox;
  private final DriverFailureListener failureListener;
  /**
   * Groups that got an input since the last collection: only they can have a Ready, so a loop looks
   * at a handful of groups, not all thousands (driver thread; {@link #scanAll} after tasks and adds).
   */
  private final boolean[] touched;
  private final int[] touchedIds;
  private int touchedCount;
  private boolean scanAll = true;
  private final long[] knownTerms;
  private long loopAppends;
  private volatile long ticksSkipped;
  /** When the last loop began (System.nanoTime): a loop stuck in a sync shows as an old value. */
  private volatile long loopStartedNanos = System.nanoTime();
  private volatile long termChanges;

  private final AtomicLong loops = new AtomicLong();
  private volatile long tasksFailed;
  private volatile Thread thread;
  private volatile boolean running;
  private volatile boolean failed;
  private volatile boolean closed;

  /**
   * @param groups the groups hosted from the start (more may be added later with {@link #addGroup});
   *     ids are in {@code [0, registry.groupsMax())}
   */
  @SuppressWarnings("unchecked")
  public RaftDriver(DriverConfig config, List<DrivenGroup<M>> groups, DurableSync storage, PeerTransport<M> transport,
      CommitApplier<M> applier, CompletionRegistry registry, PipelineMetrics metrics,
      ToIntFunction<M> groupOfMessage, DriverFailureListener failureListener) {
    this.config = config;
    this.groups = (DrivenGroup<M>[]) new DrivenGroup<?>[registry.groupsMax()];
    this.registry = registry;
    this.groupOfMessage = groupOfMessage;
    this.proposals = new MpscArrayQueue<>(config.proposalQueueCapacity());
    this.inbound = new MpscArrayQueue<>(config.inboundQueueCapacity());
    this.tasks = new MpscArrayQueue<>(config.proposalQueueCapacity());
    this.transferHold = new TransferHold(config.proposalQueueCapacity());
    this.outbox = new PeerOutbox<>(transport, config.nodesMax());
    this.failureListener = failureListener;
    this.touched = new boolean[this.groups.length];
    this.touchedIds = new int[this.groups.length];
    this.batch = new ReadyBatch<>(this.groups.length, storage, applier, registry, metrics);
    this.knownTerms = new long[this.groups.length];
    for (DrivenGroup<M> group : groups) {
      addGroup(group);
    }
  }

  /**
   * Hosts another group from now on. Called before {@link #start} or on the driver thread (a task or
   * a {@link CommitApplier}, e.g. when the metadata group creates a partition).
   */
  public void addGroup(DrivenGroup<M> group) {
    int id = group.groupId();
    if (id < 0 || id >= groups.length || groups[id] != null) {
      throw new IllegalArgumentException("group=" + id + " groupsMax=" + groups.length
          + " reason=" + (id < 0 || id >= groups.length ? "out-of-range" : "already-hosted"));
    }
    groups[id] = group;
    hosted.add(group);
    knownTerms[id] = group.term();
    touch(id);
  }

  private void touch(int groupId) {
    if (!touched[groupId]) {
      touched[groupId] = true;
      touchedIds[touchedCount++] = groupId;
    }
  }

  /** Stops hosting a group (driver thread only); its pending appends fail NOT_LEADER. */
  public void removeGroup(int groupId) {
    DrivenGroup<M> group = groups[groupId];
    if (group != null) {
      groups[groupId] = null;
      hosted.remove(group);
      registry.termChanged(groupId, Long.MAX_VALUE);
    }
  }

  /** The group hosted under {@code groupId}, or null (driver thread only). */
  public DrivenGroup<M> group(int groupId) {
    return groupId >= 0 && groupId < groups.length ? groups[groupId] : null;
  }

  /**
   * Runs {@code task} on the driver thread at the start of its next loop (metadata proposals, reads,
   * group changes). False (back-pressure) when the task queue is full or the driver stopped.
   */
  public boolean offerTask(Runnable task) {
    if (!accepting()) {
      return false;
    }
    boolean accepted = tasks.offer(task);
    if (accepted) {
      wake();
    }
    return accepted;
  }

  /**
   * Queues a proposal for the driver; false (back-pressure) when the queue is full or the driver failed.
   * The proposal's appends must hold permits of the registry's {@link io.chronik.pipeline.completion.InFlightLimit}.
   */
  public boolean offerProposal(DetachedProposal proposal) {
    if (!accepting()) {
      return false;
    }
    return proposals.offer(proposal);
  }

  /** Queues a peer message; false (back-pressure: stop reading that peer connection) when full. */
  public boolean offerInbound(M message) {
    boolean accepted = inbound.offer(message);
    if (accepted) {
      wake();
    }
    return accepted;
  }

  /** One logical clock tick for every group (called by a timer thread). */
  public void tick() {
    pendingTicks.incrementAndGet();
    wake();
  }

  /** Wakes the driver thread if it is parked idle. */
  public void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** The sink the produce pipeline's batcher hands proposals to. */
  public DriverProposalSink proposalSink() {
    return new DriverProposalSink(this, registry, config.idleParkNanos());
  }

  public void start(ThreadFactory threadFactory) {
    running = true;
    Thread t = threadFactory.newThread(this::run);
    thread = t;
    t.start();
  }

  private void run() {
    try {
      while (running && !failed) {
        if (runOnce() == 0) {
          LockSupport.parkNanos(this, config.idleParkNanos());
        }
      }
    } catch (RuntimeException | Error e) {
      // a storage failure, a durability violation or a bug in a group or applier: stop promising
      // rather than run on with unknown state
      fail(DriverFailure.of(e), e);
    }
  }

  /** Stops the driver for good: every pending append fails, then the listener hears why (once). */
  private void fail(DriverFailure reason, Throwable cause) {
    if (failed) {
      return;
    }
    log.error("driver=raft reason={}", reason.key(), cause);
    failed = true;
    running = false;
    transferHold.rejectAll(registry, AppendStatus.STORAGE_ERROR);
    registry.failAll(AppendStatus.STORAGE_ERROR);
    try {
      failureListener.driverFailed(reason, cause);
    } catch (RuntimeException | Error e) {
      log.error("driver=raft reason=failure-listener-failed", e);
    }
  }

  /** A task failing on I/O (e.g. retention deleting segments) stops the driver like a failed write; others are counted. */
  private void runTask(Runnable task) {
    try {
      task.run();
    } catch (java.io.UncheckedIOException e) {
      throw e;
    } catch (RuntimeException e) {
      tasksFailed++;
      log.error("driver=raft reason=task-failed tasksFailed={}", tasksFailed, e);
    }
  }

  /**
   * One loop iteration (public so tests and simulations can drive it without the thread).
   *
   * @return how much work it found (0: idle)
   */
  public int runOnce() {
    if (failed) {
      return 0;
    }
    loopStartedNanos = System.nanoTime();
    int work = drainInputs();
    collectReadies();
    if (batch.isEmpty()) {
      return work;
    }
    loops.incrementAndGet();
    try {
      outbox.send(batch.readies(), true);
      if (!persistAll()) {
        return work + batch.size();
      }
      outbox.send(batch.readies(), false);
      batch.applyAndAdvance();
      return work + batch.size();
    } finally {
      batch.clear();
    }
  }

  /**
   * Peer messages are stepped before the tick, and logical time advances at most one tick per loop:
   * when a loop runs longer than a tick (a slow fsync, thousands of groups electing), time slows for
   * every group of the node instead of the backlog of ticks firing every election timer at once while
   * the heartbeats that would have reset them wait in the queue. Election timeouts thus stretch with
   * the node's own loop time (the cure for election storms at thousands of groups); Raft's safety
   * never depends on time, and reads are confirmed by a quorum (ReadIndex), not by leases.
   */
  private int drainInputs() {
    int ran = tasks.drain(runTask, config.drainLimit());
    if (ran > 0) {
      scanAll = true; // a task may have touched any group
    }
    int stepped = inbound.drain(stepInbound, config.drainLimit());
    long ticks = pendingTicks.getAndSet(0);
    if (ticks > 0) {
      tickCount++;
      ticksSkipped += ticks - 1;
      for (int g = 0; g < hosted.size(); g++) {
        DrivenGroup<M> group = hosted.get(g);
        group.tick();
        if (!group.quiescent()) {
          touch(group.groupId());
        }
      }
    }
    if (!transferHold.isEmpty()) {
      // before the queue: a group's held proposals go first, in their order
      transferHold.release(tickCount, this::group, this::propose);
    }
    int proposed = proposals.drain(proposeOne, config.drainLimit());
    return (int) Math.min(Integer.MAX_VALUE, Math.min(ticks, 1) + ran + stepped + proposed);
  }

  private void stepInbound(M message) {
    // a group not (yet) hosted here, e.g. its creation is not applied yet: Raft retransmits
    DrivenGroup<M> group = group(groupOfMessage.applyAsInt(message));
    if (group != null) {
      group.step(message);
      touch(group.groupId());
    }
  }

  private void propose(DetachedProposal proposal) {
    loopAppends += proposal.size();
    DrivenGroup<M> group = group(proposal.groupId());
    if (group == null) {
      registry.reject(proposal, AppendStatus.NOT_LEADER);
      return;
    }
    touch(group.groupId());
    if (transferHold.holding(group.groupId()) || group.transferring()) {
      if (!transferHold.hold(proposal)) {
        registry.reject(proposal, AppendStatus.OVERLOADED);
      }
      return;
    }
    AppendBatchView admitted = group.admit(proposal, registry);
    if (admitted.size() == 0) {
      return;
    }
    registry.proposed(admitted, group.propose(admitted), group.term());
  }

  private void collectReadies() {
    if (scanAll) {
      for (int h = 0; h < hosted.size(); h++) {
        collect(hosted.get(h));
      }
    } else {
      for (int t = 0; t < touchedCount; t++) {
        DrivenGroup<M> group = groups[touchedIds[t]];
        if (group != null) {
          collect(group);
        }
      }
    }
    for (int t = 0; t < touchedCount; t++) {
      touched[touchedIds[t]] = false;
    }
    touchedCount = 0;
    scanAll = false;
    for (int i = 0; i < batch.size(); i++) {
      touch(batch.group(i).groupId()); // advancing may leave more (commit on own durability, applies)
    }
  }

  private void collect(DrivenGroup<M> group) {
    int g = group.groupId();
    if (group.hasReady()) {
      GroupReady<M> ready = group.ready();
      batch.add(group, ready);
      if (ready.term() > knownTerms[g]) {
        // appends of older terms may be overwritten: fail them before any commit of the new term
        knownTerms[g] = ready.term();
        termChanges++;
        registry.termChanged(g, ready.term());
      }
    }
  }

  /** Persists every Ready's writes and syncs once; false when the storage failed (driver stops). */
  private boolean persistAll() {
    try {
      batch.persistAndSync(loopAppends);
      loopAppends = 0;
      return true;
    } catch (IOException | RuntimeException e) {
      // the storage contract: a node that cannot persist stops instead of sending unkept promises
      fail(DriverFailure.STORAGE_FAILED, e);
      return false;
    }
  }

  /**
   * When the current or last loop began (System.nanoTime; any thread): a node's pings say it stalled
   * when this is old, so peers stop holding elections for its groups while its loop is stuck.
   */
  public long loopStartedNanos() {
    return loopStartedNanos;
  }

  /** Ticks that arrived while a loop ran long and were folded into one (time dilation). */
  public long ticksSkipped() {
    return ticksSkipped;
  }

  /** Times a hosted group moved to a higher term (elections seen by this node, won or not). */
  public long termChanges() {
    return termChanges;
  }

  /** Loops that handled at least one Ready. */
  public long loops() {
    return loops.get();
  }

  /** Syncs issued: at most one per loop. */
  public long syncs() {
    return batch.syncs();
  }

  public long peerSends() {
    return outbox.sends();
  }

  public long flushes() {
    return outbox.flushes();
  }

  /**
   * Proposals held because their group's leader here was handing off, since start (driver thread's
   * count; read from a test or a sample taken on that thread).
   */
  public long proposalsHeldDuringTransfer() {
    return transferHold.heldTotal();
  }

  /** Tasks that threw something other than an I/O failure (logged, counted; the driver ran on). */
  public long tasksFailed() {
    return tasksFailed;
  }

  public boolean failed() {
    return failed;
  }

  /** Neither failed nor closed: proposals offered now will be handled. */
  public boolean accepting() {
    return !failed && !closed;
  }

  /** Stops the thread after its current loop; appends still pending complete SHUTDOWN. */
  @Override
  public void close() {
    closed = true;
    running = false;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    DetachedProposal leftover;
    while ((leftover = proposals.poll()) != null) {
      registry.reject(leftover, AppendStatus.SHUTDOWN);
    }
    transferHold.rejectAll(registry, AppendStatus.SHUTDOWN); // the thread has ended: safe to touch
    registry.failAll(AppendStatus.SHUTDOWN);
  }
}
