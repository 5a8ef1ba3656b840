package io.chronik.raft.storage;

import java.nio.file.Path;
import java.util.Random;

/**
 * What a simulated crash keeps of the work that was not yet made durable. Per file, the pending
 * (unforced) writes and truncations form an ordered list; a crash keeps a prefix of it and may tear
 * the first dropped write, keeping only its first bytes. Per directory, a prefix of the unsynced
 * name operations survives. Bytes and names that were synced always survive.
 */
public interface CrashPolicy {

  /** How many of the {@code pendingOps} unforced operations on {@code file} reach the disk. */
  int keptOps(Path file, int pendingOps);

  /** How many leading bytes of the first dropped write still reach the disk, 0..writeBytes. */
  int tornBytes(Path file, int writeBytes);

  /** How many of the unsynced name operations in {@code directory} survive. */
  int keptDirectoryOps(Path directory, int pendingOps);

  /** The harshest crash: only what was synced survives. */
  static CrashPolicy loseAllUnsynced() {
    return new CrashPolicy() {
      @Override
      public int keptOps(Path file, int pendingOps) {
        return 0;
      }

      @Override
      public int tornBytes(Path file, int writeBytes) {
        return 0;
      }

      @Override
      public int keptDirectoryOps(Path directory, int pendingOps) {
        return 0;
      }
    };
  }

  /** A seeded crash that keeps an arbitrary prefix of unsynced work and may tear the next write. */
  static CrashPolicy random(Random random) {
    return new CrashPolicy() {
      @Override
      public int keptOps(Path file, int pendingOps) {
        return random.nextInt(pendingOps + 1);
      }

      @Override
      public int tornBytes(Path file, int writeBytes) {
        return random.nextBoolean() ? 0 : random.nextInt(writeBytes + 1);
      }

      @Override
      public int keptDirectoryOps(Path directory, int pendingOps) {
        return random.nextInt(pendingOps + 1);
      }
    };
  }
}
