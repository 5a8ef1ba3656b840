package io.chronik.control.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * A FUSE file system that serves a backing directory as it is (every write lands there at once, so
 * readers see it) while {@link DurableImage} keeps what a disk would still hold after a power cut:
 * file content as of its last fsync, directory entries as of the directory's last fsync (creations,
 * renames, unlinks and truncations are not durable before that). {@link #loseUnsynced} is the power
 * cut: the live tree becomes the durable image (like Jepsen's lazyfs "clear-cache"). {@link #inject}
 * makes writes and syncs fail (EIO: a failing disk; ENOSPC: a full one) until switched off; a failed
 * call changes nothing, live or durable.
 *
 * <p>One lock serializes every operation: it is a test file system; correctness beats throughput.
 */
final class LazyFs extends FuseStubFS {
  private final DurableImage image;
  private final Map<Long, Open> open = new HashMap<>();
  private long nextHandle = 1;
  private DiskErrors errors = DiskErrors.OFF;

  private record Open(FileChannel channel, long id) {}

  LazyFs(Path live, Path store) throws IOException {
    this.image = new DurableImage(live, store);
    image.adoptLive();
  }

  /** Drops everything not made durable; callers stop the file system's users first. */
  synchronized DurableImage.Restored loseUnsynced() throws IOException {
    for (Open o : open.values()) {
      o.channel().close();
    }
    open.clear();
    return image.restore();
  }

  /** Switches error injection: from now on writes and syncs fail as {@code mode} says (or none, {@link DiskErrors#OFF}). */
  synchronized void inject(DiskErrors mode) {
    errors = mode;
  }

  /** The negative errno a data write or fsync returns now, or 0 when it may proceed. */
  private int writeOrSyncError() {
    return switch (errors) {
      case OFF -> 0;
      case EIO -> -ErrorCodes.EIO();
      case ENOSPC -> -ErrorCodes.ENOSPC();
    };
  }

  /** The negative errno a call taking space (create, mkdir, growing a file) returns now, or 0. */
  private int spaceError() {
    return errors == DiskErrors.ENOSPC ? -ErrorCodes.ENOSPC() : 0;
  }

  private Path p(String path) {
    return image.livePath(path);
  }

  @Override
  public synchronized int getattr(String path, FileStat stat) {
    try {
      Map<String, Object> a = Files.readAttributes(p(path), "unix:*", LinkOption.NOFOLLOW_LINKS);
      stat.st_mode.set(((Number) a.get("mode")).intValue());
      stat.st_ino.set(((Number) a.get("ino")).longValue());
      stat.st_nlink.set(((Number) a.get("nlink")).intValue());
      stat.st_uid.set(((Number) a.get("uid")).intValue());
      stat.st_gid.set(((Number) a.get("gid")).intValue());
      stat.st_size.set(((Number) a.get("size")).longValue());
      long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis();
      stat.st_mtim.tv_sec.set(mtime / 1000);
      stat.st_mtim.tv_nsec.set((mtime % 1000) * 1_000_000);
      stat.st_ctim.tv_sec.set(mtime / 1000);
      stat.st_atim.tv_sec.set(mtime / 1000);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
    filter.apply(buf, ".", null, 0);
    filter.apply(buf, "..", null, 0);
    try (Stream<Path> s = Files.list(p(path))) {
      s.forEach(c -> filter.apply(buf, c.getFileName().toString(), null, 0));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int opendir(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public synchronized int fsyncdir(String path, FuseFileInfo fi) {
    if (writeOrSyncError() != 0) {
      return writeOrSyncError();
    }
    try {
      image.syncDir(path);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int mkdir(String path, long mode) {
    if (spaceError() != 0) {
      return spaceError();
    }
    try {
      Files.createDirectory(p(path));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int rmdir(String path) {
    try {
      Files.delete(p(path));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int unlink(String path) {
    try {
      image.unlinking(p(path));
      Files.delete(p(path));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int rename(String from, String to) {
    try {
      if (Files.isRegularFile(p(to), LinkOption.NOFOLLOW_LINKS)) {
        image.unlinking(p(to));
      }
      Files.move(p(from), p(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int create(String path, long mode, FuseFileInfo fi) {
    if (spaceError() != 0) {
      return spaceError();
    }
    try {
      Files.createFile(p(path));
      return open(path, fi);
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int open(String path, FuseFileInfo fi) {
    try {
      FileChannel channel = FileChannel.open(p(path), StandardOpenOption.READ, StandardOpenOption.WRITE);
      long handle = nextHandle++;
      open.put(handle, new Open(channel, image.id(p(path))));
      fi.fh.set(handle);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    Open o = open.get(fi.fh.get());
    if (o == null) {
      return -ErrorCodes.EBADF();
    }
    try {
      ByteBuffer b = ByteBuffer.allocate((int) size);
      while (b.hasRemaining()) {
        int n = o.channel().read(b, offset + b.position());
        if (n <= 0) {
          break;
        }
      }
      buf.put(0, b.array(), 0, b.position());
      return b.position();
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    Open o = open.get(fi.fh.get());
    if (o == null) {
      return -ErrorCodes.EBADF();
    }
    if (writeOrSyncError() != 0) {
      return writeOrSyncError();
    }
    try {
      byte[] bytes = new byte[(int) size];
      buf.get(0, bytes, 0, bytes.length);
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        o.channel().write(b, offset + b.position());
      }
      image.dirty(o.id(), offset, offset + size);
      return (int) size;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int truncate(String path, long size) {
    try (FileChannel c = FileChannel.open(p(path), StandardOpenOption.WRITE)) {
      return resize(c, image.id(p(path)), size);
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int ftruncate(String path, long size, FuseFileInfo fi) {
    Open o = open.get(fi.fh.get());
    return o == null ? truncate(path, size) : resize(o.channel(), o.id(), size);
  }

  private int resize(FileChannel c, long id, long size) {
    try {
      long old = c.size();
      if (size > old && spaceError() != 0) {
        return spaceError();
      }
      if (size < old) {
        c.truncate(size);
      } else if (size > old) {
        c.write(ByteBuffer.allocate(1), size - 1);
      }
      image.dirty(id, Math.min(old, size), Math.max(old, size));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public synchronized int fsync(String path, int isdatasync, FuseFileInfo fi) {
    if (writeOrSyncError() != 0) {
      return writeOrSyncError();
    }
    try {
      image.syncFile(p(path));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int flush(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public synchronized int release(String path, FuseFileInfo fi) {
    Open o = open.remove(fi.fh.get());
    if (o != null) {
      try {
        o.channel().close();
      } catch (IOException e) {
        return errno(e);
      }
    }
    return 0;
  }

  @Override
  public int chmod(String path, long mode) {
    return 0;
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return 0;
  }

  @Override
  public int utimens(String path, Timespec[] timespec) {
    return 0;
  }

  @Override
  public int access(String path, int mask) {
    return 0;
  }

  @Override
  public int statfs(String path, Statvfs stbuf) {
    stbuf.f_bsize.set(4096);
    stbuf.f_frsize.set(4096);
    stbuf.f_blocks.set(1L << 24);
    stbuf.f_bfree.set(1L << 23);
    stbuf.f_bavail.set(1L << 23);
    stbuf.f_namemax.set(255);
    return 0;
  }

  private static int errno(IOException e) {
    if (e instanceof NoSuchFileException) {
      return -ErrorCodes.ENOENT();
    }
    if (e instanceof FileAlreadyExistsException) {
      return -ErrorCodes.EEXIST();
    }
    if (e instanceof DirectoryNotEmptyException) {
      return -ErrorCodes.ENOTEMPTY();
    }
    if (e instanceof AccessDeniedException) {
      return -ErrorCodes.EACCES();
    }
    return -ErrorCodes.EIO();
  }
}
