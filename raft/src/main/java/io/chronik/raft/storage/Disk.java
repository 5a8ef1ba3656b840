package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The few file-system operations durable storage needs, so the same recovery code runs on a real
 * disk ({@link NioDisk}) and on a crash-simulating one ({@code SimulatedDisk}, in the test sources).
 *
 * <p>Durability contract (POSIX-like): bytes written through a channel are durable only after that
 * channel's {@code force}; creating, renaming or deleting a name is durable only after
 * {@link #syncDirectory} of its parent. Anything else may be lost, partly kept or torn by a crash.
 */
public interface Disk {

  /** Opens {@code file} for reading and writing, creating it (empty) when {@code create} is set. */
  FileChannel open(Path file, boolean create) throws IOException;

  /** Atomically replaces {@code target} with {@code source}; both in the same directory. */
  void rename(Path source, Path target) throws IOException;

  /** Removes {@code file} if it exists. */
  void delete(Path file) throws IOException;

  boolean exists(Path file) throws IOException;

  /** File names (not paths) directly inside {@code directory}, sorted. */
  List<String> list(Path directory) throws IOException;

  /**
   * Creates {@code directory} and missing parents. Like any name, a new directory's name is durable only after
   * {@link #syncDirectory} of its parent: a crash before that loses the directory and everything in it.
   * Returns the parents to sync to make the new names durable (empty when nothing was created).
   */
  List<Path> createDirectories(Path directory) throws IOException;

  /** {@link #createDirectories} and then syncs every parent that gained a name: the new path survives a crash. */
  default void createDirectoriesDurably(Path directory) throws IOException {
    for (Path parent : createDirectories(directory)) {
      syncDirectory(parent);
    }
  }

  /** Makes every name created, renamed or deleted in {@code directory} durable. */
  void syncDirectory(Path directory) throws IOException;
}
