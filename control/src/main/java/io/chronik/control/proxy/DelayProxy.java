package io.chronik.control.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy that delays what it forwards: every chunk read from one side is written to the other
 * {@code delayMillis} later (both directions, order kept: one event loop per connection pair, equal
 * delays), and when one side closes, the other is closed {@code closeDelayMillis} after the last
 * delayed chunk (Toxiproxy's slow_close): the peer keeps a connection whose other end is gone. Used
 * on lab peer links, since this kernel has no netem. {@link #close} drops every connection.
 */
public final class DelayProxy implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final InetSocketAddress target;
  private final long delayMillis;
  private final long closeDelayMillis;
  private Channel server;

  private DelayProxy(InetSocketAddress target, long delayMillis, long closeDelayMillis) {
    this.target = target;
    this.delayMillis = delayMillis;
    this.closeDelayMillis = closeDelayMillis;
  }

  /** Listens on {@code listen} (port 0: any free one) and forwards every connection to {@code target}. */
  public static DelayProxy start(InetSocketAddress listen, InetSocketAddress target, long delayMillis,
      long closeDelayMillis) throws InterruptedException {
    DelayProxy proxy = new DelayProxy(target, delayMillis, closeDelayMillis);
    ServerBootstrap b = new ServerBootstrap().group(proxy.group).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.AUTO_READ, false).childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel inbound) {
            proxy.connections.add(inbound);
            proxy.connect(inbound);
          }
        });
    try {
      proxy.server = b.bind(listen).sync().channel();
      return proxy;
    } catch (RuntimeException | InterruptedException e) {
      proxy.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  private void connect(Channel inbound) {
    Bootstrap b = new Bootstrap().group(inbound.eventLoop()).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
        .handler(new ChannelInboundHandlerAdapter());
    b.connect(target).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        inbound.close();
        return;
      }
      Channel outbound = f.channel();
      connections.add(outbound);
      inbound.pipeline().addLast(new Forward(outbound, delayMillis, closeDelayMillis));
      outbound.pipeline().addLast(new Forward(inbound, delayMillis, closeDelayMillis));
      inbound.config().setAutoRead(true);
    });
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Stops listening and closes every connection at once (no delay). */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Writes what one side reads to the other side, later. */
  private static final class Forward extends ChannelInboundHandlerAdapter {
    private final Channel other;
    private final long delayMillis;
    private final long closeDelayMillis;

    Forward(Channel other, long delayMillis, long closeDelayMillis) {
      this.other = other;
      this.delayMillis = delayMillis;
      this.closeDelayMillis = closeDelayMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.executor().schedule(() -> other.writeAndFlush(msg), delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ctx.executor().schedule(() -> other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE),
          delayMillis + closeDelayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset peer: its other side follows through channelInactive
    }
  }
}
