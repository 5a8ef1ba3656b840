package io.chronik.broker.network;

import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.protocol.RequestMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka listener: 4-byte size-prefixed frames bounded by {@code requestBytesMax} (a larger or
 * negative size closes the connection), epoll when available and allowed, NIO otherwise.
 */
public final class KafkaServer implements AutoCloseable {
  /** Name of the frame decoder in each connection's pipeline (zero-copy responses are written below the prepender). */
  static final String FRAME_DECODER = "frames";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);

  private final EventLoopGroup group;
  private final Channel channel;
  private final String transport;

  public KafkaServer(String host, int port, String transportSetting, int ioThreads, int requestBytesMax,
      int inflightMax, Consumer<RequestContext> broker, RequestMetrics metrics) throws InterruptedException {
    boolean epoll = !transportSetting.equals("nio") && Epoll.isAvailable();
    if (transportSetting.equals("epoll") && !epoll) {
      throw new IllegalStateException("key=transport value=epoll reason=epoll-unavailable cause="
          + Epoll.unavailabilityCause());
    }
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> serverChannel =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.transport = epoll ? "epoll" : "nio";
    this.group = new MultiThreadIoEventLoopGroup(ioThreads, io);
    ServerBootstrap b = new ServerBootstrap().group(group).channel(serverChannel)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            configure(ch.pipeline(), requestBytesMax, inflightMax, broker, metrics);
          }
        });
    try {
      this.channel = b.bind(host, port).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully();
      throw e;
    }
    LOG.info("listener={} transport={}", channel.localAddress(), transport);
  }

  /** The per-connection pipeline: bounded size-prefixed frames in, size-prefixed responses out. */
  static void configure(ChannelPipeline pipeline, int requestBytesMax, int inflightMax,
      Consumer<RequestContext> broker, RequestMetrics metrics) {
    pipeline.addLast(FRAME_DECODER, new LengthFieldBasedFrameDecoder(requestBytesMax, 0, 4, 0, 4))
        .addLast("sizes", new LengthFieldPrepender(4))
        .addLast("kafka", new ConnectionHandler(broker, metrics, inflightMax));
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  public String transport() {
    return transport;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
