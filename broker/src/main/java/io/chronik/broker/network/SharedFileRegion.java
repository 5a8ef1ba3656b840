package io.chronik.broker.network;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A region of a log segment sent with sendfile. Netty's {@link DefaultFileRegion} closes its file
 * when released; the segment's channel belongs to the log and stays open, so release does nothing.
 * Staying a {@code DefaultFileRegion} keeps the epoll transport's native sendfile path.
 */
final class SharedFileRegion extends DefaultFileRegion {
  SharedFileRegion(FileChannel channel, long position, long length) {
    super(channel, position, length);
  }

  @Override
  protected void deallocate() {
    // the log owns the channel
  }
}
