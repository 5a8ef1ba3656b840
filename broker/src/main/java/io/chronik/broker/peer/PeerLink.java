package io.chronik.broker.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound connection to one peer node. It is opened on first use and from then on kept open:
 * when a connect fails or the connection drops, the next attempt follows after a backoff that
 * doubles from {@link #BACKOFF_MIN_MS} to {@link #BACKOFF_MAX_MS} and resets on success. At most one
 * attempt is outstanding at a time (each is scheduled by the end of the previous one).
 */
final class PeerLink {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
  static final long BACKOFF_MIN_MS = 50;
  static final long BACKOFF_MAX_MS = 1000;

  final int nodeId;
  private final InetSocketAddress address;
  private final Bootstrap bootstrap;
  private final EventLoopGroup group;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Channel channel;
  private volatile boolean closed;
  private volatile long backoffMs = BACKOFF_MIN_MS;
  /** Written to since the last flush; driver thread only. */
  boolean dirty;

  PeerLink(int nodeId, InetSocketAddress address, Bootstrap bootstrap, EventLoopGroup group) {
    this.nodeId = nodeId;
    this.address = address;
    this.bootstrap = bootstrap;
    this.group = group;
  }

  /** Starts connecting on first call; later calls do nothing (reconnects are automatic). */
  void start() {
    if (started.compareAndSet(false, true)) {
      connect();
    }
  }

  /** The open connection, or null while (re)connecting. */
  Channel channel() {
    Channel ch = channel;
    return ch != null && ch.isActive() ? ch : null;
  }

  private void connect() {
    if (closed) {
      return;
    }
    ChannelFuture f;
    try {
      f = bootstrap.connect(address);
    } catch (RejectedExecutionException e) {
      return; // event loops shutting down
    }
    f.addListener((ChannelFuture done) -> {
      if (!done.isSuccess()) {
        LOG.debug("peer={} address={} reason=connect-failed detail=\"{}\"", nodeId, address, done.cause().toString());
        retryLater(true);
        return;
      }
      Channel ch = done.channel();
      if (closed) {
        ch.close();
        return;
      }
      backoffMs = BACKOFF_MIN_MS;
      channel = ch;
      LOG.info("peer={} address={} event=connected", nodeId, address);
      ch.closeFuture().addListener(c -> {
        channel = null;
        if (!closed) {
          LOG.info("peer={} address={} event=disconnected", nodeId, address);
          retryLater(false);
        }
      });
    });
  }

  private void retryLater(boolean grow) {
    if (closed) {
      return;
    }
    long delay = backoffMs;
    if (grow) {
      backoffMs = Math.min(BACKOFF_MAX_MS, delay * 2);
    }
    try {
      group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // event loops shutting down: nothing to reconnect for
    }
  }

  void close() {
    closed = true;
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }
}
