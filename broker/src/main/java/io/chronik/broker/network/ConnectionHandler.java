package io.chronik.broker.network;

import io.chronik.broker.protocol.FileSlice;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.protocol.ResponseParts;
import io.chronik.broker.protocol.RequestMetrics;
import io.chronik.broker.protocol.SupportedApis;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Decodes each frame into a request (kafka-clients' generated classes),
 * hands it to the broker, and writes responses strictly in request order, as Kafka clients
 * require. At most {@code inflightMax} requests are outstanding; beyond that the connection stops
 * reading (back-pressure) until responses drain. Anything malformed closes this connection only.
 * All state is confined to the channel's event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

  /** A response slot, completed (possibly with null = no response) in any order, written in order. */
  private static final class Slot {
    boolean done;
    /** A ByteBuffer, {@link ResponseParts}, or null (no response). */
    Object bytes;
  }

  private final Consumer<RequestContext> broker;
  private final RequestMetrics metrics;
  private final int inflightMax;
  private final ArrayDeque<Slot> inflight = new ArrayDeque<>();

  ConnectionHandler(Consumer<RequestContext> broker, RequestMetrics metrics, int inflightMax) {
    this.broker = broker;
    this.metrics = metrics;
    this.inflightMax = inflightMax;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      onFrame(ctx, frame);
    } finally {
      frame.release();
    }
  }

  private void onFrame(ChannelHandlerContext ctx, ByteBuf frame) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (frame.readableBytes() < 8) {
      close(ctx, "frame-too-short bytes=" + frame.readableBytes());
      return;
    }
    int at = frame.readerIndex();
    short apiKey = frame.getShort(at);
    short version = frame.getShort(at + 2);
    int correlationId = frame.getInt(at + 4);
    if (apiKey == ApiKeys.API_VERSIONS.id && version > ApiKeys.API_VERSIONS.latestVersion()) {
      // KIP-511: answer an unknown ApiVersions version with v0 and our ranges so the client can downgrade.
      Slot slot = enqueue(ctx);
      slot.done = true;
      slot.bytes = RequestUtils.serialize(new ResponseHeaderData().setCorrelationId(correlationId),
          (short) 0, SupportedApis.apiVersions(Errors.UNSUPPORTED_VERSION.code()), (short) 0);
      drain(ctx);
      return;
    }
    if (!ApiKeys.hasId(apiKey)) {
      close(ctx, "unknown-api-key apiKey=" + apiKey);
      return;
    }
    ApiKeys key = ApiKeys.forId(apiKey);
    if (!SupportedApis.supports(key, version)) {
      close(ctx, "unsupported-api api=" + key.name + " version=" + version);
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate(frame.readableBytes());
    frame.getBytes(at, buffer);
    buffer.flip();
    RequestHeader header;
    AbstractRequest request;
    try {
      header = RequestHeader.parse(buffer);
      request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(buffer)).request;
    } catch (RuntimeException e) {
      close(ctx, "malformed-request api=" + key.name + " version=" + version + " error=" + e);
      return;
    }
    Slot slot = enqueue(ctx);
    String host = ctx.channel().remoteAddress() instanceof InetSocketAddress a
        ? a.getAddress().getHostAddress() : "unknown";
    broker.accept(new RequestContext(header, request, host, bytes -> ctx.executor().execute(() -> {
      slot.done = true;
      slot.bytes = bytes;
      drain(ctx);
    }), metrics));
  }

  private Slot enqueue(ChannelHandlerContext ctx) {
    Slot slot = new Slot();
    inflight.addLast(slot);
    if (inflight.size() >= inflightMax) {
      ctx.channel().config().setAutoRead(false);
    }
    return slot;
  }

  private void drain(ChannelHandlerContext ctx) {
    boolean wrote = false;
    while (!inflight.isEmpty() && inflight.peekFirst().done) {
      Slot s = inflight.removeFirst();
      if (s.bytes != null && ctx.channel().isActive()) {
        if (s.bytes instanceof ResponseParts parts) {
          writeParts(ctx, parts);
        } else {
          ctx.write(Unpooled.wrappedBuffer((ByteBuffer) s.bytes), ctx.voidPromise());
        }
        wrote = true;
      }
    }
    if (wrote) {
      ctx.flush();
    }
    if (inflight.size() < inflightMax && !ctx.channel().config().isAutoRead() && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * Writes a response of bytes and file regions with its own size prefix, below the length prepender
   * (which frames whole ByteBuf responses only): from the frame decoder's context, so the parts go
   * straight to the socket, in order, after every response written before.
   */
  private static void writeParts(ChannelHandlerContext ctx, ResponseParts parts) {
    ChannelHandlerContext below = ctx.pipeline().context(KafkaServer.FRAME_DECODER);
    ChannelHandlerContext out = below != null ? below : ctx;
    out.write(Unpooled.copyInt(parts.sizeBytes()), ctx.voidPromise());
    for (Object part : parts.parts()) {
      if (part instanceof FileSlice slice) {
        out.write(new SharedFileRegion(slice.channel(), slice.position(), slice.length()), ctx.voidPromise());
      } else {
        out.write(Unpooled.wrappedBuffer((ByteBuffer) part), ctx.voidPromise());
      }
    }
  }

  private void close(ChannelHandlerContext ctx, String reason) {
    LOG.warn("remote={} action=close reason={}", ctx.channel().remoteAddress(), reason);
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    close(ctx, cause.getClass().getSimpleName() + " " + cause.getMessage());
  }
}
