package io.chronik.broker.peer;

import io.chronik.pipeline.driver.GroupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound side of one peer connection: decodes frames and offers each message to the driver's sink.
 *
 * <p>Back-pressure invariant: every decoded message is either accepted by the sink or held in
 * {@link #pending}, in arrival order; while anything is pending the channel does not read
 * (autoRead off) and a short timer retries, so a full driver queue stalls this peer's TCP stream
 * instead of losing messages or buffering without bound. Frames the decoder already split from the
 * last read still arrive while stalled; they queue behind the pending ones (at most one socket
 * read's worth). All state is touched only on the channel's event loop.
 */
final class PeerInbound extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(PeerInbound.class);
  static final long RETRY_MICROS = 1000;

  private final Predicate<GroupMessage> sink;
  private final LongAdder framesReceived;
  private final LongAdder inboundStalls;
  private final ArrayDeque<GroupMessage> pending = new ArrayDeque<>();
  private ScheduledFuture<?> retry;
  private boolean failed;

  PeerInbound(Predicate<GroupMessage> sink, LongAdder framesReceived, LongAdder inboundStalls) {
    this.sink = sink;
    this.framesReceived = framesReceived;
    this.inboundStalls = inboundStalls;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    List<GroupMessage> batch;
    try {
      if (failed) {
        return; // the connection is closing after a bad frame: later bytes are not trusted
      }
      batch = PeerCodec.decodeBody(frame);
    } catch (PeerCodecException e) {
      failed = true;
      LOG.warn("peer={} reason=malformed-frame detail=\"{}\"", ctx.channel().remoteAddress(), e.getMessage());
      ctx.close();
      return;
    } finally {
      frame.release();
    }
    framesReceived.increment();
    pending.addAll(batch);
    deliver(ctx);
  }

  private void deliver(ChannelHandlerContext ctx) {
    while (!pending.isEmpty() && sink.test(pending.peekFirst())) {
      pending.pollFirst();
    }
    if (pending.isEmpty()) {
      if (!ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(true);
      }
      return;
    }
    if (ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
      inboundStalls.increment();
    }
    if (retry == null && ctx.channel().isActive()) {
      retry = ctx.executor().schedule(() -> {
        retry = null;
        deliver(ctx);
      }, RETRY_MICROS, TimeUnit.MICROSECONDS);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (retry != null) {
      retry.cancel(false);
      retry = null;
    }
    // Messages still pending die with the connection, like any in flight on the wire: Raft retransmits.
    pending.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TooLongFrameException / CorruptedFrameException from the frame decoder, or an I/O error.
    String reason = cause instanceof TooLongFrameException ? "frame-too-large"
        : cause instanceof CorruptedFrameException ? "corrupted-frame" : "io-error";
    LOG.warn("peer={} reason={} detail=\"{}\"", ctx.channel().remoteAddress(), reason, cause.getMessage());
    failed = true;
    ctx.close();
  }
}
