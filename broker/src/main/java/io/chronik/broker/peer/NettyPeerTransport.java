package io.chronik.broker.peer;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.PeerTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries Raft messages between broker processes over TCP: one outbound connection per peer node
 * (frames written by the driver thread) and one listener accepting the peers' outbound connections
 * (frames handed to the driver through the inbound sink). Connections are one-way, so ordering per
 * (sender, receiver) pair is the TCP stream order.
 *
 * <p>Never blocks the driver: {@link #send} encodes and queues a write, {@link #flush} issues one
 * flush per peer written to. Messages for a peer that is not connected, or whose connection is
 * congested (outbound buffer above the high-water mark), are dropped and counted rather than
 * buffered. That is safe because Raft assumes a lossy network and retransmits: a leader re-sends
 * appends on the next heartbeat response or rejection, candidates re-campaign on timeout, and
 * snapshots restart from the offset the follower asks for.
 */
public final class NettyPeerTransport implements PeerTransport<GroupMessage>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NettyPeerTransport.class);
  static final int IO_THREADS_DEFAULT = 2;
  static final int FRAME_BYTES_MIN = 1024;
  private static final int CONNECT_TIMEOUT_MS = 1000;
  /** Linux only: abort a connection whose written data stays unacknowledged this long (partition). */
  private static final int TCP_USER_TIMEOUT_MS = 5000;

  private final int selfId;
  private final int frameBytesMax;
  private final String transport;
  private final EventLoopGroup group;
  /** Written by {@link #addPeer} on the driver thread, read by every thread that sends or reports. */
  private final Map<Integer, PeerLink> links = new java.util.concurrent.ConcurrentSkipListMap<>();
  private final Bootstrap client;
  private final List<PeerLink> written = new ArrayList<>();
  private final Set<Channel> inboundChannels = ConcurrentHashMap.newKeySet();
  private final Channel listener;
  private final LongAdder messagesSent = new LongAdder();
  private final LongAdder messagesDropped = new LongAdder();
  private final LongAdder framesSent = new LongAdder();
  private final LongAdder framesReceived = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();
  private final LongAdder inboundStalls = new LongAdder();

  /** Epoll when available, {@value #IO_THREADS_DEFAULT} event-loop threads. */
  public NettyPeerTransport(int selfId, Map<Integer, InetSocketAddress> peers, InetSocketAddress bind,
      Predicate<GroupMessage> inbound, int frameBytesMax) throws InterruptedException {
    this(selfId, peers, bind, inbound, frameBytesMax, "auto", IO_THREADS_DEFAULT);
  }

  /**
   * @param peers          every other node's peer address (must not contain {@code selfId})
   * @param bind           listener address, port 0 = any free port; null = no listener (single node)
   * @param inbound        receives each inbound message; false = full, retried later (back-pressure)
   * @param frameBytesMax  largest frame sent or accepted, length prefix included; a larger inbound
   *                       frame closes its connection, a larger outbound batch is split
   * @param transportSetting auto, epoll or nio (as the broker's {@code transport} key)
   */
  public NettyPeerTransport(int selfId, Map<Integer, InetSocketAddress> peers, InetSocketAddress bind,
      Predicate<GroupMessage> inbound, int frameBytesMax, String transportSetting, int ioThreads)
      throws InterruptedException {
    if (peers.containsKey(selfId)) {
      throw new IllegalArgumentException("node=" + selfId + " reason=self-in-peers");
    }
    if (frameBytesMax < FRAME_BYTES_MIN) {
      throw new IllegalArgumentException("frameBytesMax=" + frameBytesMax + " reason=too-small min=" + FRAME_BYTES_MIN);
    }
    this.selfId = selfId;
    this.frameBytesMax = frameBytesMax;
    boolean epoll = !transportSetting.equals("nio") && Epoll.isAvailable();
    if (transportSetting.equals("epoll") && !epoll) {
      throw new IllegalStateException("key=transport value=epoll reason=epoll-unavailable cause="
          + Epoll.unavailabilityCause());
    }
    this.transport = epoll ? "epoll" : "nio";
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(ioThreads, io);
    this.client = outboundBootstrap(epoll);
    peers.forEach((id, address) -> links.put(id, new PeerLink(id, address, client, group)));
    try {
      this.listener = bind == null ? null : bindListener(epoll, bind, inbound);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    LOG.info("node={} peers={} listener={} transport={}", selfId, peers.keySet(),
        listener == null ? "none" : listener.localAddress(), transport);
  }

  private Bootstrap outboundBootstrap(boolean epoll) {
    // Above the high-water mark a peer counts as congested and its messages are dropped (see class doc).
    int low = Math.max(frameBytesMax, 64 * 1024);
    int high = (int) Math.min(Integer.MAX_VALUE, 2L * low);
    Bootstrap b = new Bootstrap().group(group)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(low, high))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("discard", new OutboundOnly());
          }
        });
    if (epoll) {
      b.option(EpollChannelOption.TCP_USER_TIMEOUT, TCP_USER_TIMEOUT_MS);
    }
    return b;
  }

  private Channel bindListener(boolean epoll, InetSocketAddress bind, Predicate<GroupMessage> inbound)
      throws InterruptedException {
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b = new ServerBootstrap().group(group).channel(serverChannel)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            inboundChannels.add(ch);
            ch.closeFuture().addListener(f -> inboundChannels.remove(ch));
            ch.pipeline()
                .addLast("frames", new LengthFieldBasedFrameDecoder(frameBytesMax, 0, 4, 0, 4))
                .addLast("peer", new PeerInbound(inbound instanceof ConnectionSinks c ? c.connection() : inbound,
                    framesReceived, inboundStalls));
          }
        });
    if (epoll) {
      // Reap inbound connections of peers that vanished (partition, crash without FIN) within ~25 s.
      b.childOption(EpollChannelOption.TCP_KEEPIDLE, 10)
          .childOption(EpollChannelOption.TCP_KEEPINTVL, 5)
          .childOption(EpollChannelOption.TCP_KEEPCNT, 3);
    }
    return b.bind(bind).sync().channel();
  }

  /**
   * A node that joined after this transport started (its registration in the metadata): messages to it go out
   * from now on. A known id keeps its address.
   */
  public void addPeer(int nodeId, InetSocketAddress address) {
    if (nodeId != selfId && !links.containsKey(nodeId)) {
      links.put(nodeId, new PeerLink(nodeId, address, client, group));
      LOG.info("node={} peer={} address={} action=peer-added", selfId, nodeId, address);
    }
  }

  @Override
  public void send(int nodeId, List<GroupMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    PeerLink link = links.get(nodeId);
    if (link == null) {
      messagesDropped.add(messages.size());
      LOG.debug("node={} peer={} reason=unknown-peer dropped={}", selfId, nodeId, messages.size());
      return;
    }
    link.start();
    Channel ch = link.channel();
    if (ch == null || !ch.isWritable()) {
      messagesDropped.add(messages.size()); // not connected or congested: Raft retransmits
      return;
    }
    int start = 0;
    long frameBytes = PeerCodec.FRAME_HEADER_BYTES;
    for (int i = 0; i < messages.size(); i++) {
      long bytes = PeerCodec.messageBytes(messages.get(i));
      if (PeerCodec.FRAME_HEADER_BYTES + bytes > frameBytesMax) {
        write(ch, messages, start, i);
        start = i + 1;
        frameBytes = PeerCodec.FRAME_HEADER_BYTES;
        messagesDropped.increment();
        LOG.warn("node={} peer={} reason=message-exceeds-frame messageBytes={} frameBytesMax={} message=\"{}\"",
            selfId, nodeId, bytes, frameBytesMax, messages.get(i).message());
        continue;
      }
      if (frameBytes + bytes > frameBytesMax) {
        write(ch, messages, start, i);
        start = i;
        frameBytes = PeerCodec.FRAME_HEADER_BYTES;
      }
      frameBytes += bytes;
    }
    write(ch, messages, start, messages.size());
    if (!link.dirty) {
      link.dirty = true;
      written.add(link);
    }
  }

  private void write(Channel ch, List<GroupMessage> messages, int from, int to) {
    if (from >= to) {
      return;
    }
    ByteBuf frame = PeerCodec.encode(ch.alloc(), messages, from, to);
    bytesSent.add(frame.readableBytes());
    framesSent.increment();
    messagesSent.add(to - from);
    ch.write(frame, ch.voidPromise());
  }

  @Override
  public boolean sendNow(int nodeId, GroupMessage message) {
    PeerLink link = links.get(nodeId);
    if (link == null) {
      return false;
    }
    link.start();
    Channel ch = link.channel();
    if (ch == null) {
      return false;
    }
    ByteBuf frame = PeerCodec.encode(ch.alloc(), List.of(message));
    bytesSent.add(frame.readableBytes());
    framesSent.increment();
    messagesSent.increment();
    ch.writeAndFlush(frame, ch.voidPromise());
    return true;
  }

  @Override
  public boolean connected(int nodeId) {
    PeerLink link = links.get(nodeId);
    if (link == null) {
      return false;
    }
    link.start();
    return link.channel() != null;
  }

  @Override
  public void flush() {
    for (PeerLink link : written) {
      link.dirty = false;
      Channel ch = link.channel();
      if (ch != null) {
        ch.flush();
      }
    }
    written.clear();
  }

  /** Starts connecting to {@code nodeId} now rather than on the first send (e.g. at broker start). */
  public void connect(int nodeId) {
    PeerLink link = links.get(nodeId);
    if (link == null) {
      throw new IllegalArgumentException("node=" + selfId + " peer=" + nodeId + " reason=unknown-peer");
    }
    link.start();
  }

  /** True while an outbound connection to {@code nodeId} is open. */
  public boolean isConnected(int nodeId) {
    PeerLink link = links.get(nodeId);
    return link != null && link.channel() != null;
  }

  /** Bound listener port, or -1 without a listener. */
  public int port() {
    return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
  }

  public String transport() {
    return transport;
  }

  public long messagesSent() {
    return messagesSent.sum();
  }

  /** Messages not written: peer unknown, not connected, congested, or a message larger than a frame. */
  public long messagesDropped() {
    return messagesDropped.sum();
  }

  /**
   * Bytes written to the connection to {@code nodeId} and not yet taken by its socket: Netty's
   * outbound buffer (any thread; 0 while not connected). Above the high-water mark the peer counts as
   * congested and messages for it are dropped.
   */
  public long queuedBytes(int nodeId) {
    PeerLink link = links.get(nodeId);
    Channel ch = link == null ? null : link.channel();
    if (ch == null) {
      return 0;
    }
    io.netty.channel.ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  public long framesSent() {
    return framesSent.sum();
  }

  public long framesReceived() {
    return framesReceived.sum();
  }

  public long bytesSent() {
    return bytesSent.sum();
  }

  /** Times an inbound connection stopped reading because the sink was full. */
  public long inboundStalls() {
    return inboundStalls.sum();
  }

  @Override
  public void close() {
    links.values().forEach(PeerLink::close);
    if (listener != null) {
      listener.close();
    }
    inboundChannels.forEach(Channel::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Pipeline end of an outbound connection: peers never answer on it, so reads are discarded. */
  private static final class OutboundOnly extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("peer={} reason={} detail=\"{}\"", ctx.channel().remoteAddress(),
          cause.getClass().getSimpleName(), cause.getMessage());
      ctx.close();
    }
  }
}
