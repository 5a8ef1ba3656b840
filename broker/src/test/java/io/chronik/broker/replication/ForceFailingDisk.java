package io.chronik.broker.replication;

import io.chronik.raft.storage.Disk;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The real file system, except that once {@link #failForces} is called, forcing a file whose name
 * ends with the given suffix throws EIO, as a failing device does (the writes before it reached the
 * file).
 */
final class ForceFailingDisk implements Disk {
  private final NioDisk real = new NioDisk();
  private volatile String failingSuffix;

  /** From now on every force of a file named {@code *suffix} fails (null: none does). */
  void failForces(String suffix) {
    failingSuffix = suffix;
  }

  @Override
  public FileChannel open(Path file, boolean create) throws IOException {
    return new Channel(real.open(file, create), file.getFileName().toString());
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    real.rename(source, target);
  }

  @Override
  public void delete(Path file) throws IOException {
    real.delete(file);
  }

  @Override
  public boolean exists(Path file) throws IOException {
    return real.exists(file);
  }

  @Override
  public List<String> list(Path directory) throws IOException {
    return real.list(directory);
  }

  @Override
  public List<Path> createDirectories(Path directory) throws IOException {
    return real.createDirectories(directory);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    real.syncDirectory(directory);
  }

  /** Delegates everything to a real channel; only {@code force} may fail. */
  private final class Channel extends FileChannel {
    private final FileChannel file;
    private final String name;

    Channel(FileChannel file, String name) {
      this.file = file;
      this.name = name;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      String suffix = failingSuffix;
      if (suffix != null && name.endsWith(suffix)) {
        throw new IOException("Input/output error file=" + name);
      }
      file.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return file.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return file.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return file.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      file.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      file.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      return file.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return file.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return file.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      file.close();
    }
  }
}
