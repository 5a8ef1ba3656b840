package io.chronik.control.disk;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chronik lazyfs --backing B --store S --mount M}: mounts {@link LazyFs} at M (serving B) until
 * killed. The power cut is asked for with a file: create {@code S/../lose-unsynced.request}; the file
 * system drops every unsynced change, deletes the request and writes {@code lose-unsynced.done}
 * ({@code files=N directories=M unsyncedFiles=K}). Stop the file system's users first.
 *
 * <p>Error injection (the disk-eio and disk-full faults) is switched the same way: a file
 * {@code S/../disk-errors.request} holding {@code eio}, {@code enospc} or {@code off} (write it elsewhere
 * and rename it in); the file system switches, deletes the request and answers {@code disk-errors.done}
 * ({@code disk-errors=eio}, or {@code disk-errors=refused word=...} for an unknown word).
 */
@Command(name = "lazyfs", mixinStandardHelpOptions = true,
    description = "Mount a FUSE file system that keeps unsynced writes droppable (the lose-unsynced fault).")
public final class LazyFsCommand implements Callable<Integer> {
  static final String REQUEST = "lose-unsynced.request";
  static final String DONE = "lose-unsynced.done";
  static final String ERRORS_REQUEST = "disk-errors.request";
  static final String ERRORS_DONE = "disk-errors.done";

  @Option(names = "--backing", required = true, description = "Directory holding the live files.")
  Path backing;

  @Option(names = "--store", required = true, description = "Directory for the durable image (empty).")
  Path store;

  @Option(names = "--mount", required = true, description = "Mount point.")
  Path mount;

  public LazyFsCommand() {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(backing);
    Files.createDirectories(store);
    Files.createDirectories(mount);
    LazyFs fs = new LazyFs(backing, store);
    Path control = store.toAbsolutePath().getParent();
    Path request = control.resolve(REQUEST);
    Path done = control.resolve(DONE);
    Path errorsRequest = control.resolve(ERRORS_REQUEST);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      fs.umount();
      stopped.countDown();
    }, "lazyfs-umount"));
    // no kernel caching of names or attributes: after a power cut the tree changes under the kernel
    fs.mount(mount, false, false, new String[] {"-o", "entry_timeout=0,attr_timeout=0,negative_timeout=0"});
    System.out.println("chronik lazyfs mounted mount=" + mount + " pid=" + ProcessHandle.current().pid());
    System.out.flush();
    while (!stopped.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      if (Files.exists(request)) {
        DurableImage.Restored r = fs.loseUnsynced();
        Files.delete(request);
        answer(done, "files=" + r.files() + " directories=" + r.directories() + " unsyncedFiles=" + r.unsyncedFiles());
      }
      if (Files.exists(errorsRequest)) {
        switchErrors(fs, errorsRequest, control.resolve(ERRORS_DONE));
      }
    }
    return 0;
  }

  private static void switchErrors(LazyFs fs, Path request, Path done) throws java.io.IOException {
    String word = Files.readString(request, StandardCharsets.UTF_8).strip();
    String answer;
    try {
      DiskErrors mode = DiskErrors.of(word);
      fs.inject(mode);
      answer = "disk-errors=" + mode.word();
    } catch (IllegalArgumentException e) {
      answer = "disk-errors=refused word=" + word;
    }
    Files.delete(request);
    answer(done, answer);
    System.out.println("chronik lazyfs " + answer);
    System.out.flush();
  }

  /** Writes the answer beside {@code done} and renames it in: a waiter that sees the file reads it whole. */
  private static void answer(Path done, String text) throws java.io.IOException {
    Path staged = done.resolveSibling(done.getFileName() + ".tmp");
    Files.writeString(staged, text + "\n", StandardCharsets.UTF_8);
    Files.move(staged, done, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LazyFsCommand()).execute(args));
  }
}
