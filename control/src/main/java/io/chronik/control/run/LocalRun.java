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
 * distribution's class path by main-class name, killed with SIGKILL and paused with SIGSTOP by the
 * {@link FaultLoop}; no network partitions (they need separate hosts).
 */
final class LocalRun {
  private LocalRun() {}

  static RunOutcome run(RunOptions o, long seed, Path runDir, PrintStream console) throws Exception {
    int port = freePort();
    int partitions = Workloads.topicPartitions(o);
    try (LocalBroker broker = new LocalBroker(System.getProperty("java.class.path"), port,
        runDir.resolve("n1").resolve("data"), runDir.resolve("n1.log"), partitions)) {
      broker.start(Duration.ofSeconds(60));
      Workloads.createTopic(broker.bootstrap(), Workloads.topic(o), partitions, java.util.Optional.of((short) 1));
      Path history = runDir.resolve("history.edn");
      Workload work;
      boolean finalReads;
      long ops;
      long faults;
      try (HistoryRecorder recorder = HistoryRecorder.open(history, Workloads.concurrency(o))) {
        work = Workloads.create(o, broker.bootstrap(), seed, recorder);
        FaultLoop nemesis = new FaultLoop(broker, recorder, faultList(o), seed, Duration.ofSeconds(o.timeSeconds));
        finalReads = underFaults(o, broker, work, nemesis, recorder, console);
        ops = recorder.size();
        faults = nemesis.injected.get();
      }
      broker.stop();
      Verdict verdict = work.check(history, runDir, finalReads, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
      return new RunOutcome(runDir, seed, verdict, ops, faults);
    }
  }

  /** Workload under faults, heal, final reads; returns whether the final reads read everything. */
  private static boolean underFaults(RunOptions o, LocalBroker broker, Workload work, FaultLoop nemesis,
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
    if (broker.isPaused()) {
      broker.resume();
    }
    if (!broker.isRunning()) {
      broker.start(Duration.ofSeconds(60));
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
