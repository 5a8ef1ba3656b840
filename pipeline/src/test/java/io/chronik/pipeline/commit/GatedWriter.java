package io.chronik.pipeline.commit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real writer (by default a {@link FileDurableWriter}) that counts its calls and whose sync can be held at a gate (a
 * slow disk): sync() announces itself on {@link #awaitSyncStarted} and waits until the gate opens.
 * Results come from the file writer; the wrapper only observes and delays.
 */
public final class GatedWriter implements DurableWriter {
  private final DurableWriter file;
  private final AtomicInteger appends = new AtomicInteger();
  private final AtomicInteger syncs = new AtomicInteger();
  private final Semaphore syncStarted = new Semaphore(0);
  private volatile boolean gateClosed;
  /** When set, every sync from now on throws it (a failed fsync, a full disk). */
  private volatile IOException syncFailure;
  private final Object gate = new Object();

  public GatedWriter(Path path) throws IOException {
    this(FileDurableWriter.open(path, 1 << 20));
  }

  public GatedWriter(DurableWriter inner) {
    this.file = inner;
  }

  @Override
  public void append(int groupId, long index, long term, ByteBuffer data) throws IOException {
    appends.incrementAndGet();
    file.append(groupId, index, term, data);
  }

  @Override
  public void hardState(int groupId, long term, long vote, long commitIndex) throws IOException {
    file.hardState(groupId, term, vote, commitIndex);
  }

  @Override
  public long sync() throws IOException {
    syncStarted.release();
    synchronized (gate) {
      while (gateClosed) {
        try {
          gate.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("reason=interrupted", e);
        }
      }
    }
    if (syncFailure != null) {
      throw syncFailure;
    }
    long position = file.sync();
    syncs.incrementAndGet();
    return position;
  }

  @Override
  public void close() throws IOException {
    file.close();
  }

  public void closeGate() {
    gateClosed = true;
  }

  /** Every sync from now on fails with {@code failure} (after the writes reached the file). */
  public void failSyncs(IOException failure) {
    syncFailure = failure;
  }

  public void openGate() {
    synchronized (gate) {
      gateClosed = false;
      gate.notifyAll();
    }
  }

  /** Waits until a sync call has started (consumes one announcement). */
  public boolean awaitSyncStarted(long timeout, TimeUnit unit) throws InterruptedException {
    return syncStarted.tryAcquire(timeout, unit);
  }

  public int appends() {
    return appends.get();
  }

  public int syncs() {
    return syncs.get();
  }
}
