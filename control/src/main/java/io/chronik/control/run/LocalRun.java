package io.chronik.control.run;

import io.chronik.control.metrics.ClusterScraper;
import io.chronik.control.metrics.SnapshotInstallRecord;
import io.chronik.control.metrics.SnapshotInstalls;
import io.chronik.control.replicas.ReplicaAgreement;
import io.chronik.control.nemesis.FaultPlan;
import io.chronik.control.nemesis.FaultTally;
import io.chronik.control.nemesis.HistoryNemesisRecorder;
import io.chronik.control.nemesis.Nemesis;
import io.chronik.control.nemesis.NemesisSchedule;
import io.chronik.control.workload.Workload;
import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A run against one broker process on this machine (no --hosts): the broker is started from the
 * distribution's class path by main-class name — a local replicated cluster of {@code --nodes}
 * processes — faulted through a {@link LocalTestbed} by the same nemesis and fault registry as
 * host runs (process faults only: network partitions need separate hosts).
 */
final class LocalRun {
  /** Faults every 1-4 s, each for 0.5-2.5 s: local processes restart in about a second. */
  static final FaultPlan.Timing TIMING = new FaultPlan.Timing(1_000, 4_000, 500, 2_500);

  private LocalRun() {}

  static RunOutcome run(RunOptions o, long seed, Path runDir, PrintStream console) throws Exception {
    int partitions = Workloads.topicPartitions(o);
    List<LocalBroker> brokers = cluster(o.nodes, runDir, partitions, o.brokerSettings());
    try {
      for (LocalBroker b : brokers) {
        b.start(Duration.ofSeconds(90));
      }
      String bootstrap = String.join(",", brokers.stream().map(LocalBroker::bootstrap).toList());
      console.printf("chronik test: local cluster of %d broker process(es) bootstrap=%s (process faults only:"
          + " network partitions need lab hosts, --hosts lab:N)%n", brokers.size(), bootstrap);
      if (!o.brokerSettings().isEmpty()) {
        console.printf("chronik test: broker settings=%s (--broker-set, every broker)%n", o.brokerSettings());
      }
      Workloads.createTopic(bootstrap, Workloads.topic(o), partitions,
          java.util.Optional.of((short) brokers.size()), Workloads.topicConfigs(o));
      String configLine = Workloads.topicConfigLine(o, Workloads.topic(o));
      if (configLine != null) {
        console.println(configLine);
      }
      Path history = runDir.resolve("history.edn");
      Workload work;
      boolean finalReads;
      long ops;
      FaultTally faults;
      SnapshotInstalls installs;
      try (HistoryRecorder recorder = HistoryRecorder.open(history, Workloads.concurrency(o));
          ClusterScraper scraper = ClusterScraper.start(runDir, metricsUris(brokers), System::nanoTime,
              recorder.startNanos())) {
        work = Workloads.create(o, bootstrap, seed, recorder, runDir);
        LocalTestbed bed = new LocalTestbed(brokers, work.clients());
        List<FaultPlan.Step> plan = o.plan(seed, bed.nodes(), TIMING);
        faults = new FaultTally(new HistoryNemesisRecorder(recorder.faultOps()));
        Nemesis nemesis = new Nemesis(bed, bed.nodes(), faults, System::nanoTime);
        finalReads = underFaults(o, work, nemesis, plan, recorder, faults, console);
        console.printf("chronik test: cluster metrics rows=%d file=%s%n", scraper.rows(), ClusterScraper.FILE);
        ops = recorder.size();
        installs = scraper.snapshotInstalls();
      }
      for (LocalBroker b : brokers) {
        b.stop();
      }
      Verdict checked = work.check(history, runDir, finalReads, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
      Verdict verdict = UnreadVerdict.judge(checked, finalReads, runDir, console);
      console.println("chronik test: snapshot installs " + installs.summary());
      SnapshotInstallRecord.amend(runDir, installs);
      if (brokers.size() > 1) {
        // the brokers are stopped: their data dirs hold the final logs; replicas must hold the same committed ones
        Map<String, Path> dataDirs = new LinkedHashMap<>();
        for (int i = 0; i < brokers.size(); i++) {
          dataDirs.put("n" + (i + 1), runDir.resolve("n" + (i + 1)).resolve("data"));
        }
        ReplicaAgreement.Result agreement = ReplicaCheck.onLocalDirs(dataDirs, System.getProperty("java.class.path"))
            .checkAndRecord(runDir, console);
        if (agreement != null && !agreement.agree()) {
          verdict = Verdict.INVALID;
        }
      }
      return new RunOutcome(runDir, seed, verdict, ops, faults.total(), faults.byFault());
    } finally {
      for (LocalBroker b : brokers) {
        b.close();
      }
    }
  }

  /**
   * {@code nodes} broker processes on free loopback ports, one member list (a lone broker when 1), each
   * with {@code extra} ({@code --broker-set}) after the member keys.
   */
  private static List<LocalBroker> cluster(int nodes, Path runDir, int partitions, List<String> extra)
      throws IOException {
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
      List<String> settings = new ArrayList<>(nodes == 1 ? List.of()
          : List.of("node.id=" + i, "cluster.nodes=" + String.join(",", members)));
      settings.addAll(extra);
      Path dir = runDir.resolve("n" + (i + 1));
      brokers.add(new LocalBroker(System.getProperty("java.class.path"), kafkaPorts[i], dir.resolve("data"),
          runDir.resolve("n" + (i + 1) + ".log"), partitions, settings, freePort()));
    }
    return brokers;
  }

  /** Workload under faults, final heal, final reads; returns whether the final reads read everything. */
  private static boolean underFaults(RunOptions o, Workload work, Nemesis nemesis, List<FaultPlan.Step> plan,
      HistoryRecorder recorder, FaultTally faults, PrintStream console) throws Exception {
    work.start();
    ProgressLine progress = new ProgressLine(console, recorder::size, work::okCount, work::errorCount, faults::total);
    Optional<RuntimeException> failure;
    try {
      NemesisSchedule.Running schedule = NemesisSchedule.start(nemesis, plan);
      TimeUnit.SECONDS.sleep(o.timeSeconds);
      failure = schedule.await(Duration.ofMinutes(3)); // what remains is the final heal: every node restarted
    } finally {
      progress.close();
      work.stop(); // also when the run fails: no client of ours (thread or process) keeps running
    }
    if (failure.isPresent()) {
      throw new IllegalStateException("nemesis failed: " + failure.get().getMessage(), failure.get());
    }
    boolean complete = work.finalReads(Duration.ofSeconds(60));
    console.printf("chronik test: final reads %s%n", complete ? "complete" : "INCOMPLETE");
    return complete;
  }

  private static Map<String, java.net.URI> metricsUris(List<LocalBroker> brokers) {
    Map<String, java.net.URI> uris = new LinkedHashMap<>();
    for (int i = 0; i < brokers.size(); i++) {
      uris.put("n" + (i + 1), brokers.get(i).metricsUri());
    }
    return uris;
  }

  private static int freePort() throws IOException {
    return LoopbackPorts.take();
  }
}
