package io.chronik.control.run;

import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.report.HistoryChecks;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chronik test}: one verified run against a broker process on this machine. The broker is a
 * black box started from the distribution by pid; the workload is the official Kafka client; the
 * nemesis kills (SIGKILL) and pauses (SIGSTOP) the broker; the history is checked by the Kafka
 * checker and a report is written beside it. Exit code is the verdict: 0 valid, 1 invalid, 2 unknown.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Run the queue workload against a local broker process while killing and pausing it, "
        + "then check the recorded history and write a report (exit 0 valid, 1 invalid, 2 unknown, 3 error).")
public final class TestCommand implements Callable<Integer> {

  @Option(names = "--workload", defaultValue = "queue", description = "Workload: queue (default).")
  String workload;

  @Option(names = "--faults", split = ",", defaultValue = "kill,pause",
      description = "Faults to inject: kill, pause, none; or wipe (deletes the broker's data: the run must "
          + "then be judged invalid, which proves the checker catches loss). Default: kill,pause.")
  List<String> faults;

  @Option(names = "--time", defaultValue = "30", description = "Seconds of workload under faults (default 30).")
  int timeSeconds;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the test topic (default 3).")
  int partitions;

  @Option(names = "--producers", defaultValue = "2", description = "Producer threads (default 2).")
  int producers;

  @Option(names = "--seed", description = "Seed of the fault schedule (default: random, printed).")
  Long seed;

  @Option(names = "--runs-dir", description = "Where run folders go (default: histories/runs under CHRONIK_HOME or the working directory).")
  Path runsDir;

  @Override
  public Integer call() throws Exception {
    Optional<String> invalid = validate();
    if (invalid.isPresent()) {
      System.err.println("chronik test: " + invalid.get());
      return 3;
    }
    long runSeed = seed != null ? seed : System.nanoTime();
    Path runDir = runDirectory();
    System.err.printf("chronik test: run=%s seed=%d time=%ds faults=%s (local broker process; network "
        + "partitions need lab hosts)%n", runDir, runSeed, timeSeconds, faults);
    int port = freePort();
    try (LocalBroker broker = new LocalBroker(System.getProperty("java.class.path"), port,
        runDir.resolve("n1").resolve("data"), runDir.resolve("n1.log"), partitions)) {
      broker.start(Duration.ofSeconds(60));
      createTopic(broker.bootstrap());
      boolean finalReads = runWorkload(broker, runDir, runSeed);
      broker.stop();
      PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
      Verdict verdict = HistoryChecks.run("kafka", runDir.resolve("history.edn"), runDir, finalReads, out);
      return verdict.exitCode();
    }
  }

  private Optional<String> validate() {
    if (!"queue".equals(workload)) {
      return Optional.of("workload=" + workload + " reason=unknown known=[queue]");
    }
    for (String f : faults) {
      if (!List.of("kill", "pause", "wipe", "none").contains(f)) {
        return Optional.of("fault=" + f + " reason=unknown known=[kill, pause, wipe, none]");
      }
    }
    if (timeSeconds < 5 || partitions < 1 || producers < 1) {
      return Optional.of("time=" + timeSeconds + " partitions=" + partitions + " producers=" + producers
          + " reason=need time>=5 partitions>=1 producers>=1");
    }
    if (ClassLoader.getSystemResource(LocalBroker.MAIN_CLASS.replace('.', '/') + ".class") == null) {
      return Optional.of("class=" + LocalBroker.MAIN_CLASS + " reason=broker-not-on-class-path (run through ./chronik)");
    }
    return Optional.empty();
  }

  private Path runDirectory() throws IOException {
    Path base = runsDir;
    if (base == null) {
      String home = System.getenv("CHRONIK_HOME");
      base = Path.of(home != null ? home : ".").resolve("histories").resolve("runs");
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT));
    return Files.createDirectories(base.resolve(stamp + "-local-" + workload));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void createTopic(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(QueueWorkload.TOPIC, partitions, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  /** Workload under faults, heal, final reads. Returns whether the final reads reached every end offset. */
  private boolean runWorkload(LocalBroker broker, Path runDir, long runSeed) throws Exception {
    try (HistoryRecorder recorder = HistoryRecorder.open(runDir.resolve("history.edn"),
        QueueWorkload.concurrency(producers))) {
      QueueWorkload work = new QueueWorkload(broker.bootstrap(), partitions, producers, recorder);
      FaultLoop nemesis = new FaultLoop(broker, recorder, faultList(), runSeed, Duration.ofSeconds(timeSeconds));
      work.start();
      Thread faultThread = new Thread(nemesis, "nemesis");
      faultThread.setDaemon(true);
      if (!nemesis.isIdle()) {
        faultThread.start();
      }
      long startNanos = System.nanoTime();
      while (System.nanoTime() - startNanos < TimeUnit.SECONDS.toNanos(timeSeconds)) {
        TimeUnit.SECONDS.sleep(2);
        System.err.printf("  t=%3ds ops=%d acked=%d indeterminate=%d polled=%d faults=%d%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), recorder.size(),
            work.acknowledged.get(), work.indeterminate.get(), work.polledRecords.get(), nemesis.injected.get());
      }
      faultThread.join(TimeUnit.SECONDS.toMillis(90));
      if (nemesis.failure != null) {
        throw new IllegalStateException("nemesis failed: " + nemesis.failure.getMessage(), nemesis.failure);
      }
      healed(broker);
      work.stop();
      boolean complete = work.finalReads(Duration.ofSeconds(60));
      System.err.printf("chronik test: final reads %s%n", complete ? "reached every end offset" : "INCOMPLETE");
      return complete;
    }
  }

  private List<FaultLoop.Fault> faultList() {
    List<FaultLoop.Fault> list = new ArrayList<>();
    Map<String, FaultLoop.Fault> byName = Map.of("kill", FaultLoop.Fault.KILL, "pause", FaultLoop.Fault.PAUSE, "wipe", FaultLoop.Fault.WIPE);
    for (String f : faults) {
      if (byName.containsKey(f)) {
        list.add(byName.get(f));
      }
    }
    return list;
  }

  private static void healed(LocalBroker broker) throws Exception {
    if (broker.isPaused()) {
      broker.resume();
    }
    if (!broker.isRunning()) {
      broker.start(Duration.ofSeconds(60));
    }
  }
}
