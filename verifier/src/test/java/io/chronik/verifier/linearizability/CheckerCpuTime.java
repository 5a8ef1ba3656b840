package io.chronik.verifier.linearizability;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Companion to {@link CheckerBenchmark} for shared, oversubscribed machines where wall-clock time
 * mostly measures other people's work: the median <em>thread CPU time</em> of one check, after
 * warm-up, for the same histories and settings. Run: see docs/CHECKER.md.
 */
public final class CheckerCpuTime {
  private CheckerCpuTime() {}

  public static void main(String[] args) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    String[][] cases = {
        {"jepsen/etcd_002.log", "false"}, {"jepsen/etcd_007.log", "false"}, {"jepsen/etcd_057.log", "false"},
        {"jepsen/etcd_099.log", "false"}, {"kv/c10-ok.txt", "false"}, {"kv/c50-ok.txt", "true"}};
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    for (String[] c : cases) {
      CheckerBenchmark b = new CheckerBenchmark();
      b.file = c[0];
      b.partitioned = Boolean.parseBoolean(c[1]);
      b.load();
      for (int i = 0; i < runs; i++) {
        b.check();
      }
      double[] millis = new double[runs];
      for (int i = 0; i < runs; i++) {
        long start = threads.getCurrentThreadCpuTime();
        b.check();
        millis[i] = (threads.getCurrentThreadCpuTime() - start) / 1e6;
      }
      Arrays.sort(millis);
      System.out.printf("file=%s partitioned=%s cpu-ms median=%.1f min=%.1f max=%.1f%n", c[0], c[1],
          millis[runs / 2], millis[0], millis[runs - 1]);
    }
  }
}
