package io.chronik.verifier.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * {@code chronik check} in a JVM of its own, for {@link CheckSoakTest}: runs the command, then prints
 * what it cost on stderr ({@code soak-figures heap-max-mb=… heap-peak-mb=… gc-ms=… cpu-ms=…
 * rss-peak-kb=…}; heap-peak is the sum of each heap pool's peak, an upper bound on live + garbage).
 */
public final class SoakCheck {
  private SoakCheck() {}

  public static void main(String[] args) throws Exception {
    int code = new CommandLine(new CheckCommand()).execute(args);
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    long gcMs = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime()))
        .sum();
    long cpuMs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1_000_000;
    String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
        .map(l -> l.replaceAll("\\D", "")).findFirst().orElse("?");
    System.err.printf("soak-figures heap-max-mb=%d heap-peak-mb=%d gc-ms=%d cpu-ms=%d rss-peak-kb=%s%n",
        Runtime.getRuntime().maxMemory() >> 20, peak >> 20, gcMs, cpuMs, rss);
    System.exit(code);
  }
}
