package io.chronik.pipeline.produce;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front of the produce path: a multi-producer Disruptor ring of pre-allocated append slots,
 * consumed by one batching thread that turns each Disruptor batch into one proposal per group for the
 * {@link ProposalSink}.
 *
 * <p>{@link #tryPublish} never blocks and never buffers outside the ring: when the ring or the
 * in-flight limit is full it returns a back-pressure result and the caller (a Netty event loop)
 * stops reading from its channel until a completion frees room.
 *
 * <p>Payload ownership: from ACCEPTED until the append's completion the pipeline reads the payload's
 * readable bytes; the caller keeps them alive and unchanged (a Netty ByteBuf is released in the
 * completion callback; for acks=0 pass a callback too and ignore everything but the release).
 */
public final class ProducePipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProducePipeline.class);

  private final PipelineConfig config;
  private final Disruptor<AppendEvent> disruptor;
  private final RingBuffer<AppendEvent> ring;
  private final InFlightLimit inFlight;
  private final PipelineMetrics metrics;
  private volatile boolean closed;

  public ProducePipeline(PipelineConfig config, ProposalSink sink, InFlightLimit inFlight, PipelineMetrics metrics,
      ThreadFactory threadFactory) {
    this.config = config;
    this.inFlight = inFlight;
    this.metrics = metrics;
    this.disruptor = new Disruptor<>(AppendEvent::new, config.ringSize(), threadFactory, ProducerType.MULTI,
        new BlockingWaitStrategy());
    disruptor.handleEventsWith(new PartitionBatcher(config, sink, inFlight, metrics));
    disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
    this.ring = disruptor.start();
  }

  /**
   * Publishes one append without blocking.
   *
   * @param callback receives the completion on {@code executor}; both may be null only for acks=0
   *     (then the pipeline reports nothing for this append)
   */
  public PublishResult tryPublish(int groupId, ByteBuffer payload, Acks acks, long cookie, AppendCallback callback,
      Executor executor) {
    return tryPublish(groupId, 0, payload, acks, cookie, callback, executor);
  }

  /**
   * {@link #tryPublish(int, ByteBuffer, Acks, long, AppendCallback, Executor)} for one incarnation of the
   * group: a group id is reused after its group was deleted, and the group hosted under the id when the
   * append reaches the driver refuses it unless it is that incarnation
   * ({@link io.chronik.pipeline.completion.AppendBatchView#incarnation}).
   */
  public PublishResult tryPublish(int groupId, int incarnation, ByteBuffer payload, Acks acks, long cookie,
      AppendCallback callback, Executor executor) {
    Objects.checkIndex(groupId, config.groupsMax());
    if ((acks != Acks.NONE || callback != null) && (callback == null || executor == null)) {
      throw new IllegalArgumentException("group=" + groupId + " acks=" + acks + " reason=missing-completion-target");
    }
    if (closed) {
      return PublishResult.CLOSED;
    }
    if (payload.remaining() > config.batchBytesMax()) {
      return PublishResult.TOO_LARGE;
    }
    if (!inFlight.tryAcquire()) {
      metrics.recordInFlightFull();
      return PublishResult.IN_FLIGHT_FULL;
    }
    long sequence;
    try {
      sequence = ring.tryNext();
    } catch (InsufficientCapacityException full) {
      inFlight.release(1);
      metrics.recordRingFull();
      return PublishResult.RING_FULL;
    }
    AppendEvent event = ring.get(sequence);
    event.groupId = groupId;
    event.incarnation = incarnation;
    event.payload = payload;
    event.acks = acks;
    event.cookie = cookie;
    event.callback = callback;
    event.executor = executor;
    ring.publish(sequence);
    return PublishResult.ACCEPTED;
  }

  /** Free ring slots (a hint; it changes concurrently). */
  public long remainingCapacity() {
    return ring.remainingCapacity();
  }

  public PipelineConfig config() {
    return config;
  }

  /** Stops accepting, lets the batcher finish what the ring holds (bounded wait), then stops it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      disruptor.shutdown(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn("ring=produce reason=drain-timeout remaining={}", config.ringSize() - ring.remainingCapacity());
      disruptor.halt();
    }
  }

  /**
   * The batcher completes the appends it cannot process itself ({@link PartitionBatcher}); what still
   * reaches this handler (an Error) is logged loudly.
   */
  private static final class LoggingExceptionHandler implements ExceptionHandler<AppendEvent> {
    @Override
    public void handleEventException(Throwable ex, long sequence, AppendEvent event) {
      log.error("ring=produce sequence={} group={} reason=handler-failed", sequence, event.groupId, ex);
    }

    @Override
    public void handleOnStartException(Throwable ex) {
      log.error("ring=produce reason=start-failed", ex);
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
      log.error("ring=produce reason=shutdown-failed", ex);
    }
  }
}
