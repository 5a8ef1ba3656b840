package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** A {@link FileChannel} over a {@link SimulatedDisk} file. Mapping and locking are unsupported. */
final class SimulatedChannel extends FileChannel {
  private final SimulatedDisk disk;
  private final SimulatedDisk.Inode inode;
  private long position;
  private volatile boolean dead;

  SimulatedChannel(SimulatedDisk disk, SimulatedDisk.Inode inode) {
    this.disk = disk;
    this.inode = inode;
  }

  /** The disk crashed: this channel (of the previous boot) fails from now on. */
  void kill() {
    dead = true;
  }

  private void check() throws IOException {
    if (dead || !isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n = read(dst, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = write(src, position);
    position += n;
    return n;
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += write(srcs[i]);
    }
    return total;
  }

  @Override
  public long position() throws IOException {
    check();
    return position;
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    check();
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    check();
    return disk.size(inode);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    check();
    disk.truncate(inode, size);
    position = Math.min(position, size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    check();
    disk.force(inode);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    check();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int n = read(buffer, position + done);
      if (n <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        target.write(buffer);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    check();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int n = src.read(buffer);
      if (n <= 0) {
        break;
      }
      buffer.flip();
      done += write(buffer, position + done);
    }
    return done;
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    check();
    return disk.read(inode, dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    check();
    return disk.write(inode, src, position);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) {
    throw new UnsupportedOperationException("reason=simulated-disk-cannot-map");
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException("reason=simulated-disk-cannot-lock");
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException("reason=simulated-disk-cannot-lock");
  }

  @Override
  protected void implCloseChannel() {
    disk.closed(this);
  }
}
