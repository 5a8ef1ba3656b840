package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The next segment file of one {@link SegmentedLog}, zero-filled and forced ahead of need on another thread
 * ({@link LogConfig#preallocate}). Appending into allocated blocks costs about a quarter of appending to a
 * growing ext4 file (block allocation in the write path), but zero-filling at the roll, on the log's own
 * thread, wrote every byte twice there (docs/PERFORMANCE.md, Run E). So once the active segment is half
 * full the log asks its {@link Executor} to prepare {@value #FILE}; the roll renames it to the new segment's
 * name if it is ready and otherwise creates an empty segment as without preallocation: the log's thread
 * never waits for it and never writes the zeros.
 *
 * <p>Crash safety: the spare's name is no segment's, so recovery deletes it ({@link LogRecovery}); its
 * zeros are forced before it counts as ready, so a renamed spare holds zeros or entries, never stale
 * bytes, and recovers like any preallocated segment. The rename is durable with the next sync's directory
 * sync, as a created segment's name: until then its entries do not count as durable.
 *
 * <p>Threads: the log's thread asks, takes and closes; the executor's thread prepares. Creating the file and
 * changing the state happen under a lock the log's thread only tries when it appends or rolls; the zeros are
 * written outside it, so {@link #close} never waits for them: it closes the channel (the preparing thread's next write fails and it gives up
 * quietly) and deletes the file, and a preparation that starts after it does nothing. A group deleted
 * while its spare is prepared thus leaves no file behind and no error.
 */
final class SegmentSpare {
  /** Never a segment's name ({@code <20 digits>.log}): recovery never takes it for one. */
  static final String FILE = "segment.spare";
  /** Read only, shared: each write goes through a duplicate (the zeros never change). */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);

  private enum State { IDLE, PREPARING, READY }

  private final Disk disk;
  private final Path path;
  /** Log's thread only. */
  private Executor executor;
  /** Asked for the active segment already (log's thread only). */
  private boolean asked;
  /**
   * Guards the state, the channel and the file's existence. The log's thread only tries it at an append or a
   * roll (a busy lock means the spare is not ready), so it never waits for the preparing thread.
   */
  private final ReentrantLock lock = new ReentrantLock();
  private State state = State.IDLE;
  private FileChannel channel;
  private boolean closed;

  SegmentSpare(Disk disk, Path directory, Executor executor) {
    this.disk = disk;
    this.path = directory.resolve(FILE);
    this.executor = executor;
  }

  void executor(Executor preparer) {
    this.executor = preparer;
  }

  /**
   * Log's thread, at an append: asks for a spare of {@code rollBytes} once the active segment, at {@code end}
   * bytes, is half full; once per segment. A full executor queue ({@link RejectedExecutionException}) skips
   * this segment's spare: the next roll creates its segment without one.
   */
  void askIfDue(int end, int rollBytes) {
    if (asked || end < rollBytes / 2) {
      return;
    }
    asked = true;
    if (!lock.tryLock()) {
      return; // the preparing thread holds it: a spare is on its way
    }
    try {
      if (state != State.IDLE || closed) {
        return; // one is ready or on its way (a roll went ahead without it): the next roll takes it
      }
      state = State.PREPARING;
    } finally {
      lock.unlock();
    }
    try {
      executor.execute(() -> prepare(rollBytes));
    } catch (RejectedExecutionException full) {
      lock.lock(); // not contended: nothing was handed to the preparing thread
      try {
        state = State.IDLE;
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Log's thread, at a roll: the spare renamed to {@code target} as segment {@code baseIndex}, or null when
   * none is ready (the caller creates the segment); never waits for the preparing thread. The next segment
   * may ask for a spare again.
   */
  Segment take(Path target, long baseIndex) throws IOException {
    asked = false;
    if (!lock.tryLock()) {
      return null; // the preparing thread is creating or finishing the file: not ready for this roll
    }
    try {
      if (state != State.READY) {
        return null;
      }
      disk.rename(path, target);
      Segment taken = new Segment(target, baseIndex, channel);
      channel = null;
      state = State.IDLE;
      return taken;
    } finally {
      lock.unlock();
    }
  }

  /** Whether a spare is ready to be taken (tests; any thread). */
  boolean ready() {
    lock.lock();
    try {
      return state == State.READY;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Log's thread, when the log closes: no spare is prepared from now on, and one prepared or being prepared
   * is closed and, if {@code delete}, deleted (an unsynced delete: a crash may leave it, and the next open
   * deletes it). Without {@code delete} the file stays, as after a killed process. May wait for the
   * preparing thread to finish creating the file (not for its zeros), so that none appears after it.
   */
  void close(boolean delete) throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      FileChannel open = channel;
      channel = null;
      state = State.IDLE;
      if (open == null) {
        return; // none, or a preparation still queued: it finds the spare closed and does nothing
      }
      try {
        open.close(); // a preparation writing its zeros fails at its next write and gives up
      } finally {
        if (delete) {
          disk.delete(path);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The executor's thread: creates, zero-fills and forces the spare, unless the log closed meanwhile. */
  private void prepare(int bytes) {
    FileChannel created;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      try {
        disk.delete(path);
        created = disk.open(path, true);
      } catch (IOException e) {
        state = State.IDLE; // e.g. the directory is gone: the roll creates its segment without a spare
        return;
      }
      channel = created;
    } finally {
      lock.unlock();
    }
    try {
      writeZeros(created, bytes);
      created.force(true);
    } catch (IOException e) {
      giveUp(created); // closed by close() meanwhile, or a failing disk the log's own writes will report
      return;
    }
    lock.lock();
    try {
      if (!closed) {
        state = State.READY;
      }
    } finally {
      lock.unlock();
    }
  }

  private void giveUp(FileChannel created) {
    lock.lock();
    try {
      if (closed) {
        return; // close() closed the channel and deleted the file
      }
      state = State.IDLE;
      channel = null;
      created.close();
      disk.delete(path);
    } catch (IOException ignored) {
      // the spare is not needed; a leftover is deleted at the next open
    } finally {
      lock.unlock();
    }
  }

  private static void writeZeros(FileChannel channel, int bytes) throws IOException {
    ByteBuffer zeros = ZEROS.duplicate();
    for (long position = 0; position < bytes; ) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - position));
      while (zeros.hasRemaining()) {
        position += channel.write(zeros, position);
      }
    }
  }
}
