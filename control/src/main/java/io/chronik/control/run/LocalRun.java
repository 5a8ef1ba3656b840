package io.chronik.control.run;

import io.chronik.control.workload.Workload;
import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A run against one broker process on this machine (no --hosts): the broker is started from the
 * distribution's class path by main-class name — a local replicated cluster of {@code --nodes}
 * processes — killed with SIGKILL and paused with SIGSTOP by the {@link FaultLoop}; no network
 * partitions (they need separate hosts).
 */
final class LocalRun {
  private LocalRun() {}

  static RunOutcome run(RunOptions o, long seed, Path runDir, PrintStream console) throws Exception {
    int partitions = Workloads.topicPartitions(o);
    List<LocalBroker> brokers = cluster(o.nodes, runDir, partitions);
    try {
      for (LocalBroker b : brokers) {
        b.start(Duration.ofSeconds(90));
      }
      String bootstrap = String.join(",", brokers.stream().map(LocalBroker::bootstrap).toList());
      console.printf("chronik test: local cluster of %d broker process(es) bootstrap=%s (kill/pause faults only:"
          + " network partitions need lab hosts, --hosts lab:N)%n", brokers.size(), bootstrap);
      Workloads.createTopic(bootstrap, Workloads.topic(o), partitions,
          java.util.Optional.of((short) brokers.size()));
      Path history = runDir.resolve("history.edn");
      Workload work;
      boolean finalReads;
      long ops;
      long faults;
      try (HistoryRecorder recorder = HistoryRecorder.open(history, Workloads.concurrency(o))) {
        work = Workloads.create(o, bootstrap, seed, recorder);
        FaultLoop nemesis = new FaultLoop(brokers, recorder, faultList(o), seed, Duration.ofSeconds(o.timeSeconds));
        finalReads = underFaults(o, brokers, work, nemesis, recorder, console);
        ops = recorder.size();
        faults = nemesis.injected.get();
      }
      for (LocalBroker b : brokers) {
        b.stop();
      }
      Verdict verdict = work.check(history, runDir, finalReads, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
      return new RunOutcome(runDir, seed, verdict, ops, faults);
    } finally {
      for (LocalBroker b : brokers) {
        b.close();
      }
    }
  }

  /** {@code nodes} broker processes on free loopback ports, one member list (a lone broker when 1). */
  private static List<LocalBroker> cluster(int nodes, Path runDir, int partitions) throws IOException {
    int[] kafkaPorts = new int[nodes];
    int[] raftPorts = new int[nodes];
    List<String> members = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      kafkaPorts[i] = freePort();
      raftPorts[i] = freePort();
      members.add(i + "@127.0.0.1:" + kafkaPorts[i] + ":" + raftPorts[i]);
    }
    List<LocalBroker> brokers = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      List<String> settings = nodes == 1 ? List.of() : List.of("node.id=" + i, "cluster.nodes=" + String.join(",", members));
      Path dir = runDir.resolve("n" + (i + 1));
      brokers.add(new LocalBroker(System.getProperty("java.class.path"), kafkaPorts[i], dir.resolve("data"),
          runDir.resolve("n" + (i + 1) + ".log"), partitions, settings));
    }
    return brokers;
  }

  /** Workload under faults, heal, final reads; returns whether the final reads read everything. */
  private static boolean underFaults(RunOptions o, List<LocalBroker> brokers, Workload work, FaultLoop nemesis,
      HistoryRecorder recorder, PrintStream console) throws Exception {
    work.start();
    Thread faultThread = new Thread(nemesis, "nemesis");
    faultThread.setDaemon(true);
    if (!nemesis.isIdle()) {
      faultThread.start();
    }
    ProgressLine progress = new ProgressLine(console, recorder::size, work::okCount, work::errorCount,
        nemesis.injected::get);
    try {
      TimeUnit.SECONDS.sleep(o.timeSeconds);
      faultThread.join(TimeUnit.SECONDS.toMillis(90));
    } finally {
      progress.close();
    }
    if (nemesis.failure != null) {
      throw new IllegalStateException("nemesis failed: " + nemesis.failure.getMessage(), nemesis.failure);
    }
    for (LocalBroker broker : brokers) {
      if (broker.isPaused()) {
        broker.resume();
      }
      if (!broker.isRunning()) {
        broker.start(Duration.ofSeconds(60));
      }
    }
    work.stop();
    boolean complete = work.finalReads(Duration.ofSeconds(60));
    console.printf("chronik test: final reads %s%n", complete ? "complete" : "INCOMPLETE");
    return complete;
  }

  private static List<FaultLoop.Fault> faultList(RunOptions o) {
    List<FaultLoop.Fault> list = new ArrayList<>();
    Map<String, FaultLoop.Fault> byName = Map.of("kill", FaultLoop.Fault.KILL, "pause", FaultLoop.Fault.PAUSE,
        "wipe", FaultLoop.Fault.WIPE);
    for (String f : o.faultsOrDefault()) {
      if (byName.containsKey(f)) {
        list.add(byName.get(f));
      }
    }
    return list;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
