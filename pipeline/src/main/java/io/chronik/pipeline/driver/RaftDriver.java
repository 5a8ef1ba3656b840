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
  private final LogicalClock clock = new LogicalClock();
  private final MessagePassingQueue.Consumer<M> stepInbound = this::stepInbound;
  private final MessagePassingQueue.Consumer<DetachedProposal> proposeOne = this::propose;
  /** Proposals for groups whose leader here is handing off (driver thread). */
  private final TransferHold transferHold;

  /** The Readies of the current loop (driver thread only). */
  private final ReadyBatch<M> batch;
  /** Groups waiting for a snapshot image's storage work, done on the worker thread. */
  private final ParkedGroups<M> parked;
  private final SegmentPreparation preparation = new SegmentPreparation();
  private long applyBudgetBytes; // of this loop's collect: committed bytes the next groups may still hand out
  private final PeerOutbox<M> outbox;
  private final DriverFailureListener failureListener;
  /** Groups that got an input since the last collection (only they can have a Ready). */
  private final TouchedGroups touched;
  private final long[] knownTerms;
  private long loopAppends;
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
    this.touched = new TouchedGroups(this.groups.length);
    this.batch = new ReadyBatch<>(this.groups.length, storage, applier, registry, metrics);
    this.parked = new ParkedGroups<>(this.groups.length, this::wake);
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
    touched.touch(id);
  }

  /** Stops hosting a group (driver thread only); its pending appends fail NOT_LEADER. */
  public void removeGroup(int groupId) {
    DrivenGroup<M> group = groups[groupId];
    if (group != null) {
      groups[groupId] = null;
      hosted.remove(group);
      parked.forget(groupId);
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
    clock.tick();
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
    parked.start(threadFactory);
    preparation.start(threadFactory);
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
    work += parked.resume(batch, touched::touch); // their Readies join this loop's, as if collected now
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

  /** Tasks, then peer messages, then at most one tick ({@link LogicalClock}), then proposals. */
  private int drainInputs() {
    int ran = tasks.drain(runTask, config.drainLimit());
    if (ran > 0) {
      touched.touchAll(); // a task may have touched any group
    }
    int stepped = inbound.drain(stepInbound, config.drainLimit());
    boolean ticked = clock.advance();
    if (ticked) {
      for (int g = 0; g < hosted.size(); g++) {
        DrivenGroup<M> group = hosted.get(g);
        if (parked.parked(group.groupId())) {
          continue; // its time stands still: it must not campaign on the silence its parking causes
        }
        group.tick();
        if (!group.quiescent()) {
          touched.touch(group.groupId());
        }
      }
    }
    if (!transferHold.isEmpty()) {
      // before the queue: a group's held proposals go first, in their order
      transferHold.release(clock.now(), this::group, this::propose);
    }
    int proposed = proposals.drain(proposeOne, config.drainLimit());
    return (ticked ? 1 : 0) + ran + stepped + proposed;
  }

  private void stepInbound(M message) {
    // a group not (yet) hosted here, e.g. its creation is not applied yet: Raft retransmits
    DrivenGroup<M> group = group(groupOfMessage.applyAsInt(message));
    if (group != null && parked.parked(group.groupId())) {
      parked.dropped(); // the leader resends (see ParkedGroups)
    } else if (group != null) {
      group.step(message);
      touched.touch(group.groupId());
    }
  }

  private void propose(DetachedProposal proposal) {
    loopAppends += proposal.size();
    DrivenGroup<M> group = group(proposal.groupId());
    if (group == null || parked.parked(group.groupId())) {
      registry.reject(proposal, AppendStatus.NOT_LEADER);
      return;
    }
    touched.touch(group.groupId());
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
    applyBudgetBytes = config.applyBytesPerLoopMax();
    if (touched.all()) {
      for (int h = 0; h < hosted.size(); h++) {
        collect(hosted.get(h));
      }
    } else {
      for (int t = 0; t < touched.count(); t++) {
        DrivenGroup<M> group = groups[touched.id(t)];
        if (group != null) {
          collect(group);
        }
      }
    }
    touched.clear();
    for (int i = 0; i < batch.size(); i++) {
      touched.touch(batch.group(i).groupId()); // advancing may leave more (commit on own durability, applies)
    }
  }

  private void collect(DrivenGroup<M> group) {
    int g = group.groupId();
    if (!parked.parked(g) && group.hasReady()) {
      GroupReady<M> ready = group.ready(applyBudgetBytes);
      applyBudgetBytes -= ready.committedBytes();
      if (ready.term() > knownTerms[g]) {
        // appends of older terms may be overwritten: fail them before any commit of the new term
        knownTerms[g] = ready.term();
        termChanges++;
        registry.termChanged(g, ready.term());
      }
      Runnable slowWork = group.slowWork(ready);
      if (slowWork != null) {
        parked.park(group, ready, slowWork); // back in a later loop (see ParkedGroups)
      } else {
        batch.add(group, ready);
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

  /** Groups parked for a snapshot image's storage work since start ({@link ParkedGroups}), and now. */
  public long groupsParked() {
    return parked.parkedTotal();
  }

  public int groupsParkedNow() {
    return parked.parkedNow();
  }

  /** Time the storage worker spent on parked groups' work since start. */
  public long storageWorkNanos() {
    return parked.workNanos();
  }

  /** Where the hosted groups' logs prepare their spare segments (give it to each log before it is driven). */
  public SegmentPreparation segmentPreparation() {
    return preparation;
  }

  /** Peer messages dropped because their group was parked, since start. */
  public long messagesDroppedWhileParked() {
    return parked.messagesDropped();
  }

  /** Ticks that arrived while a loop ran long and were folded into one (time dilation). */
  public long ticksSkipped() {
    return clock.skipped();
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
    parked.close();
    preparation.close();
    DetachedProposal leftover;
    while ((leftover = proposals.poll()) != null) {
      registry.reject(leftover, AppendStatus.SHUTDOWN);
    }
    transferHold.rejectAll(registry, AppendStatus.SHUTDOWN); // the thread has ended: safe to touch
    registry.failAll(AppendStatus.SHUTDOWN);
  }
}
