package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/** The real file system through NIO. Directory sync opens the directory and forces it (Linux). */
public final class NioDisk implements Disk {

  @Override
  public FileChannel open(Path file, boolean create) throws IOException {
    return create
        ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE)
        : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public boolean exists(Path file) {
    return Files.exists(file);
  }

  @Override
  public List<String> list(Path directory) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      entries.forEach(p -> names.add(p.getFileName().toString()));
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public List<Path> createDirectories(Path directory) throws IOException {
    Path absolute = directory.toAbsolutePath().normalize();
    List<Path> parents = new ArrayList<>();
    for (Path p = absolute; p != null && p.getParent() != null && !Files.isDirectory(p); p = p.getParent()) {
      parents.add(0, p.getParent()); // outermost first
    }
    Files.createDirectories(absolute);
    return parents;
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    // Opening a directory for READ and forcing it issues fsync(dirfd) on Linux, which makes
    // creates, renames and unlinks in it durable.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
