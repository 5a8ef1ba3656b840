package io.chronik.control.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.control.lab.Prerequisites;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik lazyfs} as its own process, driven from outside through the kernel (this JVM's file
 * calls on the mount): after the power cut, bytes never fsynced, names never made durable by a
 * directory fsync (creations, renames, directories) and truncations never fsynced are gone, and
 * everything synced is there; with errors switched on, writes and fsyncs fail with EIO or ENOSPC to a
 * plain FileChannel caller until switched off. Needs root, /dev/fuse and libfuse2 (skipped without; fails with CI=true).
 */
@Tag("integration")
class LazyFsTest {
  @TempDir Path tmp;

  @Test
  void aPowerCutDropsUnsyncedBytesNamesAndTruncationsAndKeepsSyncedOnes() throws Exception {
    Path m = tmp.resolve("mnt");
    Process fs = mount(m);
    try {
      Path d = m.resolve("d");
      Files.createDirectory(d);
      syncDir(m);
      write(d.resolve("synced"), "A".repeat(5000), true);
      write(d.resolve("tmp"), "renamed-later", true);
      write(d.resolve("kept-rename.tmp"), "renamed-durably", true);
      write(d.resolve("truncated"), "T".repeat(100), true);
      syncDir(d);
      Files.move(d.resolve("kept-rename.tmp"), d.resolve("kept-rename"), StandardCopyOption.ATOMIC_MOVE);
      syncDir(d); // a rename made durable
      // from here on nothing in d is made durable
      append(d.resolve("synced"), "B".repeat(3000)); // unsynced bytes
      write(d.resolve("name-never-synced"), "X", true); // its data synced, its name not
      Files.move(d.resolve("tmp"), d.resolve("final"), StandardCopyOption.ATOMIC_MOVE); // rename not synced
      try (FileChannel c = FileChannel.open(d.resolve("truncated"), StandardOpenOption.WRITE)) {
        c.truncate(10); // truncation not synced
      }
      Files.createDirectory(m.resolve("e")); // e's name is never made durable
      write(m.resolve("e").resolve("inside"), "lost with its directory", true);
      syncDir(m.resolve("e"));
      assertThat(Files.size(d.resolve("synced"))).isEqualTo(8000);

      Path request = tmp.resolve("state").resolve(LazyFsCommand.REQUEST);
      Files.createFile(request);
      Path done = tmp.resolve("state").resolve(LazyFsCommand.DONE);
      for (int i = 0; i < 200 && !Files.exists(done); i++) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      assertThat(done).exists();
      assertThat(request).doesNotExist();

      assertThat(names(m)).containsExactly("d");
      assertThat(Files.readString(d.resolve("synced"))).isEqualTo("A".repeat(5000));
      assertThat(names(d)).containsExactly("kept-rename", "synced", "tmp", "truncated");
      assertThat(Files.readString(d.resolve("tmp"))).isEqualTo("renamed-later");
      assertThat(Files.readString(d.resolve("kept-rename"))).isEqualTo("renamed-durably");
      assertThat(Files.readString(d.resolve("truncated"))).isEqualTo("T".repeat(100));
      assertThat(names(tmp.resolve("live").resolve("d"))).as("the backing tree is the durable one")
          .containsExactly("kept-rename", "synced", "tmp", "truncated");
      write(d.resolve("after"), "the file system serves on", true);
      assertThat(Files.readString(d.resolve("after"))).isEqualTo("the file system serves on");
    } finally {
      fs.destroy();
      assertThat(fs.waitFor(20, TimeUnit.SECONDS)).as("lazyfs stops on SIGTERM").isTrue();
    }
    assertThat(Files.readString(Path.of("/proc/mounts"))).as("unmounted").doesNotContain(m.toString());
  }

  @Test
  void errorInjectionFailsWritesAndFsyncsWithEioOrEnospcUntilSwitchedOffAndReadsKeepWorking() throws Exception {
    Path m = tmp.resolve("mnt");
    Process fs = mount(m);
    try {
      Path f = m.resolve("segment");
      write(f, "synced before", true);
      try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        assertThat(switchErrors("eio")).isEqualTo("disk-errors=eio");
        assertThatThrownBy(() -> c.write(ByteBuffer.wrap(new byte[] {1}), 100)).isInstanceOf(IOException.class)
            .hasMessageContaining("Input/output error");
        assertThatThrownBy(() -> c.force(true)).isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
        assertThatThrownBy(() -> syncDir(m)).isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
        assertThat(Files.readString(f)).as("reads keep working").isEqualTo("synced before");

        assertThat(switchErrors("enospc")).isEqualTo("disk-errors=enospc");
        assertThatThrownBy(() -> c.write(ByteBuffer.wrap(new byte[] {1}), 100)).isInstanceOf(IOException.class)
            .hasMessageContaining("No space left on device");
        assertThatThrownBy(() -> c.force(true)).isInstanceOf(IOException.class).hasMessageContaining("No space left");
        assertThatThrownBy(() -> write(m.resolve("new"), "x", false)).isInstanceOf(IOException.class)
            .hasMessageContaining("No space left");
        assertThatThrownBy(() -> Files.createDirectory(m.resolve("dir"))).isInstanceOf(IOException.class);
        assertThat(Files.readString(f)).isEqualTo("synced before");
        assertThat(m.resolve("new")).doesNotExist();

        assertThat(switchErrors("off")).isEqualTo("disk-errors=off");
        c.write(ByteBuffer.wrap(" and after".getBytes(StandardCharsets.UTF_8)), 13);
        c.force(true);
      }
      assertThat(Files.readString(f)).isEqualTo("synced before and after");
      write(m.resolve("new"), "created again", true);
      syncDir(m);
      assertThat(switchErrors("bogus")).isEqualTo("disk-errors=refused word=bogus");
    } finally {
      fs.destroy();
      assertThat(fs.waitFor(20, TimeUnit.SECONDS)).as("lazyfs stops on SIGTERM").isTrue();
    }
    assertThat(Files.readString(tmp.resolve("lazyfs.out"))).contains("chronik lazyfs disk-errors=eio");
  }

  /** Starts {@code chronik lazyfs} on {@code m} as its own process; returns once mounted. */
  private Process mount(Path m) throws Exception {
    Prerequisites.require(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse");
    Prerequisites.require(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2"))
        || Files.exists(Path.of("/lib/x86_64-linux-gnu/libfuse.so.2")), "libfuse2 not installed (apt-get install libfuse2)");
    Prerequisites.require("root".equals(System.getProperty("user.name")), "not root");
    Process fs = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LazyFsCommand.class.getName(), "--backing", tmp.resolve("live").toString(),
        "--store", tmp.resolve("state/store").toString(), "--mount", m.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("lazyfs.out").toFile()).start();
    awaitMounted(m);
    return fs;
  }

  /** Asks the running file system to switch its errors as LazyDataDir does on lab hosts; returns its answer. */
  private String switchErrors(String word) throws Exception {
    Path state = tmp.resolve("state");
    Path done = state.resolve(LazyFsCommand.ERRORS_DONE);
    Files.deleteIfExists(done);
    Path staged = state.resolve(LazyFsCommand.ERRORS_REQUEST + ".tmp");
    Files.writeString(staged, word + "\n");
    Files.move(staged, state.resolve(LazyFsCommand.ERRORS_REQUEST), StandardCopyOption.ATOMIC_MOVE);
    for (int i = 0; i < 200 && !Files.exists(done); i++) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    assertThat(state.resolve(LazyFsCommand.ERRORS_REQUEST)).as("request taken").doesNotExist();
    return Files.readString(done).strip();
  }

  private static void awaitMounted(Path m) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (Files.readString(Path.of("/proc/mounts")).contains(" " + m + " ")) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError("not mounted: " + m);
  }

  private static void write(Path file, String text, boolean sync) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      if (sync) {
        c.force(true);
      }
    }
  }

  private static void append(Path file, String text) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.APPEND)) {
      c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static void syncDir(Path dir) throws IOException {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
