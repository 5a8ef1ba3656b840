package io.chronik.control.cluster;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The packaged distribution as the launcher sees it, for tests that spawn real processes: the broker
 * jar beside this module (control never depends on broker at compile time) plus the shared libs.
 */
public final class Distribution {
  /** The repository root: control's working directory under Maven is control/. */
  public static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private Distribution() {}

  public static boolean brokerPackaged() throws IOException {
    Path brokerTarget = ROOT.resolve("broker").resolve("target");
    if (!Files.exists(brokerTarget)) {
      return false;
    }
    try (Stream<Path> files = Files.list(brokerTarget)) {
      return files.anyMatch(p -> p.getFileName().toString().matches("chronik-broker-.*\\.jar"));
    }
  }

  /** raft, pipeline and broker jars, target/dist/lib/*, then this JVM's own class path. */
  public static String classPath() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String module : List.of("raft", "pipeline", "broker")) {
      try (Stream<Path> jars = Files.list(ROOT.resolve(module).resolve("target"))) {
        // a module's test-jar (raft's simulated disk) is for tests, not for a broker's class path
        jars.filter(p -> p.getFileName().toString().matches("chronik-" + module + "-.*\\.jar")
                && !p.getFileName().toString().endsWith("-tests.jar"))
            .forEach(p -> entries.add(p.toString()));
      }
    }
    entries.add(ROOT.resolve("target").resolve("dist").resolve("lib") + File.separator + "*");
    entries.add(System.getProperty("java.class.path"));
    return String.join(File.pathSeparator, entries);
  }

  /**
   * A base port such that base..base+count-1 and base+1000..base+1000+count-1 are all free now (Kafka
   * and Raft ports of a test cluster), drawn from 20000..59999 so the peer's 19092-19194 are never hit.
   */
  public static int freePortBase(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      // below the kernel's ephemeral range (32768+): a connect to a port there with no listener can
      // "succeed" by a TCP self-connect when the kernel picks that same port as the source port, which made
      // a killed node look reachable
      int base = ThreadLocalRandom.current().nextInt(20_000, 31_000);
      boolean free = true;
      for (int i = 0; i < count && free; i++) {
        free = isFree(base + i) && isFree(base + 1000 + i);
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("reason=no free port range found attempts=200");
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
