package io.chronik.broker.simulation;

import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.driver.DetachedProposal;
import io.chronik.pipeline.simulation.ClusterEventLoop;
import io.chronik.pipeline.simulation.SimViolation;
import io.chronik.pipeline.simulation.SwarmBasics;
import io.chronik.raft.node.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.protocol.Errors;

/**
 * One seeded, single-threaded run of a cluster of broker processes, each hosting a replica of one
 * partition as a real {@code PartitionGroup} under a real {@code RaftDriver} on its own simulated
 * disk ({@link SimBroker}), written to by idempotent producers ({@link SimProducer}) that keep up to 5
 * batches in flight, bump their epoch after drawn fatal errors and retry every batch whose outcome they
 * did not learn, driven by the pipeline's shared {@link ClusterEventLoop}
 * (a run is a function of the seed and any failure replays exactly).
 *
 * <p>A chaos phase (faults drawn by the seed's {@link BrokerSwarm}: crashes losing unsynced writes,
 * power cuts mid-loop, partitions, slow nodes, whole-cluster restarts, lost produce answers) is
 * followed by a healing phase (all nodes up, a reliable network, no new batches) in which every
 * producer's outstanding batches must settle and every replica catch up; then the {@link ProduceOracle}'s
 * final check runs. The oracle checks its invariants at every event.
 */
final class BrokerSimulation extends ClusterEventLoop<SimBroker, BrokerSwarm> {
  private static final int HEAL_TICKS = 3000;
  /** Every this many driver loops one replica's read index is read back whole (a committed read). */
  private static final int READ_CHECK_LOOPS = 64;

  /** What a finished run measured (for the test's report). */
  record Result(long seed, long nodeEvents, long batches, long acked, long duplicates, long duplicatesBehindTheLast,
      long retries, long epochBumps, long batchesGivenUp, long lateRequests, long crashes, long fullRestarts, long snapshots,
      long simulatedTicks, long transfers, long heldDuringTransfers, long logStartMarkers, long deletesAcked,
      long logStart, long installs, long entriesDeleted, long sequenceGapsAccepted, long bitFlips) {}

  /**
   * An attempt's producer and batch, by cookie, and the bytes it sent (its own copy, as a client serializes
   * each request: the leader stamps the base offset into it, which is what an acknowledgement answers).
   */
  private record Attempt(SimProducer producer, SimProducer.Batch batch, ByteBuffer sent) {}

  /** A request of a given-up batch still on the wire when its producer bumped its epoch: it lands at {@code at}. */
  private record LateRequest(long at, SimProducer producer, SimProducer.Batch batch) {}

  private final ProduceOracle oracle;
  private final List<SimProducer> producers = new ArrayList<>();
  private final Map<Long, Attempt> attempts = new HashMap<>();
  private long nextCookie = 1;
  private long loops;
  private long retries;
  private long snapshots;
  private long epochBumps;
  private long batchesGivenUp;
  private long lateRequests;
  private final List<LateRequest> late = new ArrayList<>();
  /** Pipelining and epoch bumps: their own stream too, for the same reason. */
  private final SplittableRandom producerRandom;
  private final ProducerShape producerShape;
  /**
   * Leadership transfers (a graceful stop's hand-off, the balancer's) draw from their own stream, so a
   * seed's other faults and tunables stay what they were before transfers were added.
   */
  private final SplittableRandom transferRandom;
  /** Share of fault events that also start a transfer from the current leader; 0 for a third of the seeds. */
  private final double transferShare;
  /** Retention and DeleteRecords: their own stream too, for the same reason. */
  private final SplittableRandom retentionRandom;
  private final RetentionShape retention;
  private final Map<Long, Long> deletes = new HashMap<>();
  private long nextRetentionCheck;

  BrokerSimulation(long seed) {
    super(seed, BrokerSwarm::draw, HEAL_TICKS);
    this.transferRandom = new SplittableRandom(seed ^ 0x7f4a7c15L);
    this.transferShare = transferRandom.nextInt(3) == 0 ? 0 : 0.2 + 0.6 * transferRandom.nextDouble();
    this.retentionRandom = new SplittableRandom(seed ^ 0x3c6ef372fe94f82bL);
    this.retention = RetentionShape.draw(retentionRandom);
    trace.record(0, -1, "retention", retention);
    this.producerRandom = new SplittableRandom(seed ^ 0x5851f42d4c957f2dL);
    this.producerShape = ProducerShape.draw(producerRandom);
    trace.record(0, -1, "producers", producerShape);
    this.oracle = new ProduceOracle(swarm.nodes());
    for (int n = 0; n < swarm.nodes(); n++) {
      int id = n;
      nodes.add(new SimBroker(n, swarm, retention, seed, oracle, trace, network, () -> now,
          (cookie, group, status, logIndex, originalOffset, refusal) ->
              answered(id, cookie, status, logIndex, originalOffset, refusal)));
    }
    for (int p = 0; p < swarm.producers(); p++) {
      producers.add(new SimProducer(1000 + p, producerShape.inFlight()));
    }
  }

  /** Runs one seed (the mutation harness's entry): see {@link ClusterEventLoop#failureOf}. */
  public static String failureOf(long seed) {
    BrokerSimulation simulation = new BrokerSimulation(seed);
    return ClusterEventLoop.failureOf(seed, simulation, simulation::run);
  }

  Result run() {
    runPhases();
    oracle.finalCheck(nodes);
    long held = 0;
    long transfers = 0;
    long deleted = 0;
    for (SimBroker node : nodes) {
      deleted += node.partition().storage().firstIndex() - 1;
      snapshots += node.partition().snapshotsTaken();
      held += node.heldDuringTransfers();
      transfers += node.transfersStarted();
    }
    long batches = producers.stream().mapToLong(SimProducer::batchesSent).sum();
    return new Result(seed, nodeEvents, batches, oracle.acked(), oracle.duplicates(), oracle.duplicatesBehindTheLast(),
        retries, epochBumps, batchesGivenUp, lateRequests, crashes, fullRestarts, snapshots, now / SwarmBasics.TICK, transfers, held, oracle.logStarts().markersCommitted(),
        oracle.logStarts().deletesAcked(), oracle.logStarts().committedLogStart(), oracle.installs(), deleted,
        oracle.sequenceGapsAccepted(), bitFlips);
  }

  /** Beside some fault events the current leader hands off, as a graceful stop or the balancer does. */
  @Override
  protected void faultEvent() {
    if (transferShare > 0 && transferRandom.nextDouble() < transferShare) {
      SimBroker leader = believedLeader();
      if (leader != null) {
        leader.handOff();
        wake(leader);
      }
    }
  }

  @Override
  protected void looped(SimBroker node) {
    if (++loops % READ_CHECK_LOOPS == 0) {
      oracle.checkReads(node.id(), node.partition());
    }
  }

  /**
   * Producers whose resend is due resend every outstanding batch (or, during chaos, some hit a fatal
   * error and bump their epoch instead); during chaos one producer with room in its window sends a new
   * batch.
   */
  @Override
  protected void clientStep() {
    long timeout = (long) swarm.requestTimeoutTicks() * SwarmBasics.TICK;
    for (SimProducer producer : producers) {
      if (!producer.due(now)) {
        continue;
      }
      if (chaos && producerShape.bumpShare() > 0 && producerRandom.nextDouble() < producerShape.bumpShare()) {
        bump(producer);
        continue;
      }
      retries++;
      send(producer, producer.resend(now, timeout));
    }
    deliverLateRequests();
    SimProducer producer = producers.get(random.nextInt(producers.size()));
    if (chaos && producer.canSend()) {
      send(producer, List.of(producer.newBatch(1 + random.nextInt(3), now, timeout)));
    }
    retentionStep();
  }

  /**
   * A fatal error: the producer gives up its outstanding batches and bumps its epoch. Some of their
   * requests are still on the wire (sent before the error, answered to nobody): each lands within a
   * request timeout, most likely after the new epoch's first batch, which the broker must fence.
   */
  private void bump(SimProducer producer) {
    epochBumps++;
    List<SimProducer.Batch> given = producer.bumpEpoch();
    batchesGivenUp += given.size();
    for (SimProducer.Batch b : given) {
      if (producerRandom.nextBoolean()) {
        late.add(new LateRequest(now + SwarmBasics.TICK * (1 + producerRandom.nextInt(swarm.requestTimeoutTicks())),
            producer, b));
      }
    }
    trace.record(now, -1, "epoch-bump", "producer=" + producer.producerId() + " epoch=" + producer.epoch()
        + " givenUp=" + given.size());
  }

  /** Late requests of given-up batches land on the broker their producer then believed leads. */
  private void deliverLateRequests() {
    for (int i = late.size() - 1; i >= 0; i--) {
      LateRequest r = late.get(i);
      if (r.at() > now) {
        continue;
      }
      late.remove(i);
      SimBroker target = believedLeader();
      boolean offered = target != null && offer(target, r.producer(), r.batch());
      lateRequests += offered ? 1 : 0;
      trace.record(now, target == null ? -1 : target.id(), "late-request", "producer=" + r.producer().producerId()
          + " epoch=" + r.batch().epoch() + " seq=" + r.batch().firstSeq() + " offered=" + offered);
    }
  }

  /** The brokers' retention loops when due (all phases: deletion must also settle), and DeleteRecords while chaos lasts. */
  private void retentionStep() {
    if (!retention.on()) {
      return;
    }
    if (now >= nextRetentionCheck) {
      nextRetentionCheck = now + (long) retention.checkTicks() * SwarmBasics.TICK;
      for (SimBroker node : nodes) {
        if (node.up()) {
          node.checkRetention();
          wake(node);
        }
      }
    }
    SimBroker leader = believedLeader();
    if (chaos && leader != null && retentionRandom.nextDouble() < retention.deleteShare()) {
      var group = leader.partition().group();
      long start = group.logStartOffset();
      long offset = start + retentionRandom.nextLong(group.readIndex().highWatermark() - start + 1);
      long cookie = nextCookie++;
      boolean offered = leader.offerProposal(DetachedProposal.copyOf(new ProduceRequest(cookie,
          io.chronik.broker.replication.SimulatedPartition.deleteRecordsMarker(offset), leader.callback())));
      if (offered) {
        deletes.put(cookie, offset);
      }
      trace.record(now, leader.id(), "delete-records", "offset=" + offset + " cookie=" + cookie + " offered=" + offered);
    }
  }

  /**
   * Sends {@code batches} in sequence order to one broker, one request each, as over one connection: a
   * request that cannot go out (no leader known, or its queue is full) stops the ones behind it, and the
   * producer backs off and resends them all.
   */
  private void send(SimProducer producer, List<SimProducer.Batch> batches) {
    SimBroker target = random.nextInt(8) == 0 ? nodes.get(random.nextInt(nodes.size())) : believedLeader();
    for (SimProducer.Batch b : batches) {
      boolean offered = target != null && offer(target, producer, b);
      trace.record(now, target == null ? -1 : target.id(), "produce", "producer=" + producer.producerId() + " epoch="
          + b.epoch() + " seq=" + b.firstSeq() + " attempt=" + producer.attempts() + " cookie=" + (target == null ? -1 : nextCookie - 1)
          + " offered=" + offered);
      if (!offered) {
        producer.notSent(now + SwarmBasics.TICK * (1 + random.nextInt(5)));
        return;
      }
    }
  }

  /** Offers one request of {@code b} to {@code target}'s driver: false if it is down or its queue is full. */
  private boolean offer(SimBroker target, SimProducer producer, SimProducer.Batch b) {
    long cookie = nextCookie++;
    if (!target.up()) {
      return false;
    }
    ByteBuffer sent = ByteBuffer.allocate(b.bytes().remaining()).put(b.bytes().duplicate()).flip();
    attempts.put(cookie, new Attempt(producer, b, sent));
    boolean offered = target.offerProposal(DetachedProposal.copyOf(new ProduceRequest(cookie, sent,
        target.callback())));
    if (!offered) {
      attempts.remove(cookie);
    }
    return offered;
  }

  /** A completion from a node's real CompletionRegistry (inline, on its driver loop). */
  private void answered(int node, long cookie, AppendStatus status, long logIndex, long originalOffset, short refusal) {
    Long deleteOffset = deletes.remove(cookie);
    if (deleteOffset != null) {
      trace.record(now, node, "delete-answer", "offset=" + deleteOffset + " status=" + status + " index=" + logIndex);
      if (status == AppendStatus.SUCCESS) {
        oracle.logStarts().deleteAcked(logIndex, deleteOffset, oracle.committedSize());
      }
      return;
    }
    Attempt attempt = attempts.remove(cookie);
    if (attempt == null) {
      throw new SimViolation("node=" + node + " cookie=" + cookie + " status=" + status + " reason=answer-without-request");
    }
    SimProducer producer = attempt.producer();
    SimProducer.Batch b = attempt.batch();
    // what the broker's ProduceApi answers for SUCCESS: the base offset the leader stamped into the batch
    long answeredOffset = status == AppendStatus.SUCCESS ? attempt.sent().getLong(attempt.sent().position())
        : originalOffset;
    oracle.answered(node, leadsHighestTerm(node), new ProduceOracle.Answer(producer.producerId(), b.epoch(),
        b.firstSeq(), b.firstSeq() + b.records() - 1, producer.epoch(), producer.outstanding(b), status, logIndex,
        answeredOffset, refusal));
    boolean lost = chaos && random.nextDouble() < swarm.responseLoss();
    trace.record(now, node, "answer", "producer=" + producer.producerId() + " epoch=" + b.epoch() + " seq="
        + b.firstSeq() + " status=" + status + " index=" + logIndex + " offset=" + answeredOffset + " refusal="
        + refusal + " lost=" + lost);
    if (lost) {
      return;
    }
    if (refusal == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code() && producer.oldestOutstanding(b)) {
      bump(producer); // the Java client's unresolved sequence: fatal to the batch, the producer bumps its epoch
      return;
    }
    boolean settled = status == AppendStatus.SUCCESS || status == AppendStatus.DUPLICATE;
    producer.heard(b.epoch(), b.firstSeq(), settled, now + SwarmBasics.TICK * (1 + random.nextInt(3)));
  }

  /**
   * Whether {@code node}'s replica leads in the highest term any replica has reached so far (down ones
   * included: a deposed leader left alone with crashed successors still has a stale view).
   */
  private boolean leadsHighestTerm(int node) {
    long highest = 0;
    for (SimBroker n : nodes) {
      if (n.up()) {
        highest = Math.max(highest, n.partition().group().term());
      }
    }
    highest = Math.max(highest, oracle.highestTerm());
    SimBroker answering = nodes.get(node);
    return answering.partition().role() == Role.LEADER && answering.partition().group().term() == highest;
  }

  /** The up node whose replica claims leadership in the highest term, or null. */
  private SimBroker believedLeader() {
    SimBroker best = null;
    for (SimBroker node : nodes) {
      if (node.up() && node.partition().group().roleHint() == Role.LEADER
          && (best == null || node.partition().group().term() > best.partition().group().term())) {
        best = node;
      }
    }
    return best;
  }

  /** One leader every replica follows, all applied to its last index, every producer's batch settled. */
  @Override
  protected long progress() {
    long applied = 0;
    for (SimBroker node : nodes) {
      applied += node.up() ? node.partition().appliedIndex() : 0;
    }
    return applied;
  }

  @Override
  protected boolean quiet() {
    SimBroker leader = null;
    for (SimBroker node : nodes) {
      if (!node.up()) {
        return false;
      }
      if (node.partition().role() == Role.LEADER) {
        leader = node;
      }
    }
    if (leader == null || producers.stream().anyMatch(p -> !p.idle())) {
      return false;
    }
    long last = leader.partition().group().lastIndex();
    if (oracle.committedSize() != last) {
      return false;
    }
    for (SimBroker node : nodes) {
      if (node.partition().group().commitIndex() != last || node.partition().appliedIndex() != last
          || node.partition().group().term() != leader.partition().group().term()) {
        return false;
      }
    }
    return true;
  }

  @Override
  protected String describe() {
    StringBuilder sb = new StringBuilder();
    for (SimBroker node : nodes) {
      if (!node.up()) {
        sb.append(" n").append(node.id()).append("=down");
        continue;
      }
      var g = node.partition().group();
      sb.append(" n").append(node.id()).append('=').append(node.partition().role()).append("/t").append(g.term())
          .append("/c").append(g.commitIndex()).append("/a").append(node.partition().appliedIndex())
          .append("/l").append(g.lastIndex());
    }
    for (SimProducer p : producers) {
      sb.append(" p").append(p.producerId()).append("/e").append(p.epoch())
          .append(p.idle() ? "=idle" : "=seq" + p.pendingSeq() + "x" + p.outstandingCount());
    }
    return sb.toString().trim();
  }
}
