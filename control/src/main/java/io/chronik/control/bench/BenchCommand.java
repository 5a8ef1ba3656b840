package io.chronik.control.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chronik bench}: producer throughput and latency (open loop), consumer throughput, and
 * produce → consume latency against any Kafka-compatible bootstrap. See docs/BENCH.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure a Kafka-compatible cluster with kafka-clients: --mode produce (send→ack latency, open "
        + "loop), consume (throughput from the beginning), e2e (produce→consume latency) or leaders (time until every "
        + "partition is led, spread over brokers). Exit 0 clean, 1 a send failed, records are missing or a partition "
        + "stayed leaderless, 2 bad arguments, 3 could not run.")
public final class BenchCommand implements Callable<Integer> {
  static final int EXIT_USAGE = 2;
  static final int EXIT_ERROR = 3;

  @Option(names = "--mode", defaultValue = "produce", description = "produce (default), consume, e2e, or leaders (only "
      + "wait until every partition of the topics has a leader: the time and the spread over brokers).")
  String mode;

  @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "bootstrap.servers (default 127.0.0.1:9092).")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "bench", description = "Topic (default bench).")
  String topic;

  @Option(names = "--create-topic", description = "Create the topic first if it does not exist (AdminClient).")
  boolean createTopic;

  @Option(names = "--topics", defaultValue = "1", description = "Topics to create and drive (default 1); with N > 1 "
      + "they are named TOPIC-0 … TOPIC-(N-1) and the producers send to them in turn (produce and leaders modes).")
  int topics;

  @Option(names = "--dead-broker", defaultValue = "-1", description = "leaders mode: partitions this broker is "
      + "still reported to lead count as not led (measures failover after killing it).")
  int deadBroker;

  @Option(names = "--since-epoch-ms", defaultValue = "-1", description = "leaders mode: count from this wall-clock "
      + "time (epoch ms, e.g. the moment of a kill) instead of from the bench's own start, so its JVM start-up is "
      + "not left out.")
  long sinceEpochMs;

  @Option(names = "--kill-pid", defaultValue = "-1", description = "leaders mode: once connected and warm, kill -9 "
      + "this process (a broker this machine started) and count from that instant: failover as a running client "
      + "sees it, without this JVM's start-up. Use with --dead-broker.")
  long killPid;

  @Option(names = "--partitions", defaultValue = "1", description = "Partitions per topic for --create-topic (default 1).")
  int partitions;

  @Option(names = "--replication-factor", defaultValue = "1", description = "Replication factor for --create-topic (default 1).")
  short replicationFactor;

  @Option(names = "--producers", defaultValue = "1", description = "Producer threads, one KafkaProducer each (default 1).")
  int producers;

  @Option(names = "--record-size", defaultValue = "100", description = "Value bytes per record (default 100).")
  int recordSizeBytes;

  @Option(names = "--acks", defaultValue = "all", description = "all (default), 1 or 0.")
  String acks;

  @Option(names = "--rate", defaultValue = "0", description = "Target records/s over all producers, open loop; 0 = as fast as possible (default).")
  double rate;

  @Option(names = "--records", defaultValue = "0", description = "Records to send (consume: to read; default: all there are).")
  long records;

  @Option(names = "--duration", defaultValue = "0", description = "Seconds to run (produce/e2e: default 30 when --records is not given).")
  long durationSeconds;

  @Option(names = "--warmup", defaultValue = "0", description = "First seconds not counted in rates and latencies (default 0).")
  long warmupSeconds;

  @Option(names = "--linger-ms", defaultValue = "5", description = "Producer linger.ms (default 5).")
  int lingerMs;

  @Option(names = "--batch-size", defaultValue = "65536", description = "Producer batch.size bytes (default 65536).")
  int batchSizeBytes;

  @Option(names = "--group", description = "consume: read with this consumer group (subscribe) instead of assigning every partition.")
  String group;

  @Option(names = "--fetch-max-wait-ms", defaultValue = "500", description = "Consumer fetch.max.wait.ms (default 500).")
  int fetchMaxWaitMs;

  @Option(names = "--producer-prop", paramLabel = "KEY=VALUE", description = "Extra producer setting (repeatable), e.g. compression.type=lz4.")
  List<String> producerProps = new ArrayList<>();

  @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the result as JSON here.")
  Path out;

  public BenchCommand() {}

  /** The kill of {@code --kill-pid}, or null; refuses a pid that is not running rather than timing nothing. */
  private Runnable killer() {
    if (killPid < 0) {
      return null;
    }
    ProcessHandle target = ProcessHandle.of(killPid).orElseThrow(
        () -> new IllegalArgumentException("kill-pid=" + killPid + " reason=no such process"));
    return () -> {
      if (!target.destroyForcibly()) { // SIGKILL on Linux
        throw new IllegalStateException("kill-pid=" + killPid + " reason=kill refused");
      }
    };
  }

  @Override
  public Integer call() {
    long duration = durationSeconds == 0 && records == 0 && !"consume".equals(mode) ? 30 : durationSeconds;
    BenchSettings settings = new BenchSettings(mode, bootstrap, topic, producers, recordSizeBytes, acks, rate, records,
        duration, lingerMs, batchSizeBytes, warmupSeconds, group, fetchMaxWaitMs, producerProps, topics);
    String problem = settings.problem();
    if (problem != null) {
      System.err.println("chronik bench: " + problem);
      return EXIT_USAGE;
    }
    // leaders mode counts from here: after a kill, reaching the cluster is part of it
    long started = sinceEpochMs < 0 ? System.nanoTime()
        : System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(Math.max(0, System.currentTimeMillis() - sinceEpochMs));
    try {
      int brokers = BenchRun.reachable(bootstrap);
      System.err.println("chronik bench: mode=" + mode + " bootstrap=" + bootstrap + " brokers=" + brokers + " topic=" + topic
          + (topics > 1 ? " topics=" + topics : ""));
      if (createTopic) {
        BenchRun.createTopics(bootstrap, settings.topicNames(), partitions, replicationFactor);
      }
      LeaderWait.Result leaders = createTopic || mode.equals("leaders")
          ? LeaderWait.await(bootstrap, settings.topicNames(), deadBroker, started,
              Duration.ofSeconds(BenchSettings.LEADERS_TIMEOUT_SECONDS), System.err, killer())
          : null;
      BenchRun.Outcome outcome = new BenchRun(settings, System.err, leaders).run();
      outcome.summary().forEach(System.out::println);
      if (out != null) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(out, JsonWriter.write(outcome.json()), StandardCharsets.UTF_8);
        System.out.println("  json        " + out);
      }
      @SuppressWarnings("unchecked")
      List<String> problems = (List<String>) outcome.json().get("problems");
      problems.forEach(p -> System.err.println("chronik bench: FAILED " + p));
      return outcome.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_ERROR;
    } catch (IllegalStateException e) {
      System.err.println("chronik bench: " + e.getMessage());
      return EXIT_ERROR;
    } catch (Exception e) {
      System.err.println("chronik bench: bootstrap=" + bootstrap + " topic=" + topic + " reason=" + e);
      return EXIT_ERROR;
    }
  }
}
