package io.chronik.control.run;

import io.chronik.control.host.Host;
import io.chronik.control.host.Shell;
import io.chronik.control.replicas.AgreementRecord;
import io.chronik.control.replicas.ReplicaAgreement;
import io.chronik.control.replicas.ReplicaDigest;
import io.chronik.control.ssh.SshHosts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The final phase's replica agreement on hosts: runs the broker's read-only {@code log-digest} tool over
 * SSH on every host (brokers still running), compares the replicas' committed logs and records the
 * result in the run folder. A replica still catching up is given a few more seconds before it is
 * reported as lagging.
 */
final class ReplicaCheck {
  static final String TOOL_CLASS = "io.chronik.broker.digest.LogDigestCommand";
  static final int BLOCK_ENTRIES = 1024;
  private static final int CATCH_UP_TRIES = 5;
  private static final Duration CATCH_UP_PAUSE = Duration.ofSeconds(2);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
  /** Ranges per command line: a long divergence is named by its first index; the rest is counted. */
  private static final int RANGES_MAX = 64;

  /** Runs the digest tool on one node with these extra arguments and returns what it printed. */
  @FunctionalInterface
  interface DigestTool {
    String run(String node, List<String> arguments);
  }

  private final List<String> nodes;
  private final DigestTool tool;
  private final int tries;

  ReplicaCheck(List<String> nodes, DigestTool tool, int tries) {
    this.nodes = List.copyOf(nodes);
    this.tool = tool;
    this.tries = tries;
  }

  /** On hosts over SSH, brokers running: a lagging replica gets a few more seconds to catch up. */
  static ReplicaCheck onHosts(SshHosts ssh, List<Host> hosts, String java) {
    Map<String, Host> byName = new LinkedHashMap<>();
    hosts.forEach(h -> byName.put(h.name(), h));
    return new ReplicaCheck(List.copyOf(byName.keySet()), (node, args) -> {
      Host h = byName.get(node);
      StringBuilder cmd = new StringBuilder(Shell.quote(java)).append(" -Xmx128m -XX:+UseSerialGC -cp ")
          .append(Shell.quote(h.homeDir() + "/lib/*")).append(' ').append(TOOL_CLASS).append(" --data-dir ")
          .append(Shell.quote(h.homeDir() + "/data"));
      args.forEach(a -> cmd.append(' ').append(Shell.quote(a)));
      return ssh.run(h, cmd.toString(), TOOL_TIMEOUT).stdout();
    }, CATCH_UP_TRIES);
  }

  /** On this machine's data dirs ({@code node -> data dir}) of stopped local brokers: nothing to wait for. */
  static ReplicaCheck onLocalDirs(Map<String, Path> dataDirs, String classPath) {
    return new ReplicaCheck(List.copyOf(dataDirs.keySet()), (node, args) -> {
      List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "-Xmx128m", "-cp", classPath, TOOL_CLASS, "--data-dir", dataDirs.get(node).toString()));
      cmd.addAll(args);
      try {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
          throw new IllegalStateException("node=" + node + " tool=log-digest exit=" + p.exitValue());
        }
        return out;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("node=" + node + " tool=log-digest reason=" + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("node=" + node + " tool=log-digest reason=interrupted", e);
      }
    }, 1);
  }

  /** Checks and records; never throws for the run's sake: a failure is recorded as "not checked". */
  ReplicaAgreement.Result checkAndRecord(Path runDir, PrintStream console) throws IOException, InterruptedException {
    long started = System.nanoTime();
    try {
      ReplicaAgreement.Result r = check();
      AgreementRecord.amend(runDir, r);
      console.printf("chronik test: replicas %s groups=%d entries-compared=%d divergences=%d lagging=%d ms=%d%n",
          r.agree() ? "agree" : "DIVERGE", r.groups(), r.entriesCompared(), r.divergences().size(), r.lagging().size(),
          (System.nanoTime() - started) / 1_000_000);
      r.divergences().forEach(d -> console.printf("chronik test: replica-divergence group=%s index=%d replicas=%s%n",
          d.dir(), d.index(), d.replicas()));
      return r;
    } catch (RuntimeException e) {
      console.printf("chronik test: replicas not-checked reason=%s%n", e.getMessage());
      AgreementRecord.amendUnchecked(runDir, String.valueOf(e.getMessage()));
      return null;
    }
  }

  ReplicaAgreement.Result check() throws InterruptedException {
    ReplicaAgreement agreement = new ReplicaAgreement(BLOCK_ENTRIES);
    ReplicaAgreement.Plan plan = agreement.plan(digests(List.of()));
    for (int i = 1; i < tries && !plan.lagging().isEmpty(); i++) {
      Thread.sleep(CATCH_UP_PAUSE.toMillis());
      plan = agreement.plan(digests(List.of()));
    }
    List<ReplicaAgreement.Range> ranges = plan.ranges().size() > RANGES_MAX ? plan.ranges().subList(0, RANGES_MAX)
        : plan.ranges();
    ReplicaAgreement.Plan listed = new ReplicaAgreement.Plan(ranges, plan.entriesByBlocks(), plan.lagging(), plan.groups());
    Map<String, ReplicaDigest> entries = ranges.isEmpty() ? Map.of() : digests(ranges);
    return agreement.judge(listed, entries);
  }

  private Map<String, ReplicaDigest> digests(List<ReplicaAgreement.Range> ranges) {
    List<String> args = new java.util.ArrayList<>(List.of("--block-entries", Integer.toString(BLOCK_ENTRIES)));
    ranges.forEach(r -> args.addAll(List.of("--entries", r.argument())));
    // one digest tool per node at once: each is a JVM reading its node's files, so the check costs the
    // slowest node's time rather than the sum
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size(), r -> {
      Thread t = new Thread(r, "replica-digest");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, Future<String>> outputs = new LinkedHashMap<>();
      for (String node : nodes) {
        outputs.put(node, pool.submit(() -> tool.run(node, args)));
      }
      Map<String, ReplicaDigest> byNode = new LinkedHashMap<>();
      for (Map.Entry<String, Future<String>> e : outputs.entrySet()) {
        byNode.put(e.getKey(), ReplicaDigest.parse(output(e.getKey(), e.getValue())));
      }
      return byNode;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String output(String node, Future<String> run) {
    try {
      return run.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re
          : new IllegalStateException("node=" + node + " tool=log-digest error=" + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("node=" + node + " tool=log-digest reason=interrupted", e);
    }
  }
}
