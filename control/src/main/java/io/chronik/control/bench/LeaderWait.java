package io.chronik.control.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Waits until every partition of some topics has a leader, asking the cluster's metadata through
 * AdminClient every 100 ms, and reports how long that took and how the leaders are spread over the
 * brokers (the scale figures of docs/BENCH.md: leader election time after creation or restart).
 */
final class LeaderWait {
  private static final long POLL_MILLIS = 100;

  /**
   * @param millis from {@code startedNanos} until every partition had a leader (or the timeout)
   * @param leadersPerBroker broker id → partitions it leads, at the end
   */
  record Result(boolean complete, long millis, int partitions, int led, Map<Integer, Integer> leadersPerBroker) {

    /** Largest deviation of one broker's leader count from the mean, as a fraction of the mean. */
    double spread() {
      if (leadersPerBroker.isEmpty()) {
        return 0;
      }
      double mean = (double) led / leadersPerBroker.size();
      double worst = 0;
      for (int count : leadersPerBroker.values()) {
        worst = Math.max(worst, Math.abs(count - mean) / mean);
      }
      return worst;
    }

    Map<String, Object> json() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("complete", complete);
      out.put("millis", millis);
      out.put("partitions", partitions);
      out.put("led", led);
      Map<String, Object> per = new LinkedHashMap<>();
      leadersPerBroker.forEach((broker, count) -> per.put(String.valueOf(broker), count));
      out.put("leadersPerBroker", per);
      out.put("spread", spread());
      return out;
    }

    String summary() {
      return String.format(Locale.ROOT, "  leaders     %d/%d partitions led after %d ms%s; per broker %s, spread ±%.1f%%",
          led, partitions, millis, complete ? "" : " (TIMED OUT)", leadersPerBroker, spread() * 100);
    }
  }

  private LeaderWait() {}

  /** Polls until every partition of {@code topics} has a leader or {@code timeout} passed since {@code startedNanos}. */
  static Result await(String bootstrap, Collection<String> topics, long startedNanos, Duration timeout,
      PrintStream progress) throws InterruptedException {
    return await(bootstrap, topics, -1, startedNanos, timeout, progress);
  }

  /**
   * As above; a partition whose reported leader is {@code deadBroker} counts as not led (after a kill,
   * surviving brokers report the dead leader until a new one is elected).
   */
  static Result await(String bootstrap, Collection<String> topics, int deadBroker, long startedNanos,
      Duration timeout, PrintStream progress) throws InterruptedException {
    return await(bootstrap, topics, deadBroker, startedNanos, timeout, progress, null);
  }

  /**
   * As above; when {@code kill} is not null it runs once this client is connected and has described the
   * topics, and the time counts from just before it. A failover measured by a client started after the
   * kill would count that JVM's start-up and class loading (seconds on a loaded machine) as failover.
   */
  static Result await(String bootstrap, Collection<String> topics, int deadBroker, long startedNanos,
      Duration timeout, PrintStream progress, Runnable kill) throws InterruptedException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    long deadline = startedNanos + timeout.toNanos();
    Result last = new Result(false, 0, 0, 0, Map.of());
    long lastProgress = System.nanoTime();
    try (Admin admin = Admin.create(p)) {
      List<Integer> brokers = new ArrayList<>();
      try {
        admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).forEach(n -> {
          if (n.id() != deadBroker) {
            brokers.add(n.id());
          }
        });
      } catch (ExecutionException | TimeoutException e) {
        // counted from the partitions' leaders alone: a broker leading nothing is then not listed
      }
      if (kill != null) {
        describe(admin, topics, brokers, deadBroker, startedNanos, last); // warm: connections and classes
        startedNanos = System.nanoTime();
        deadline = startedNanos + timeout.toNanos();
        kill.run();
      }
      while (true) {
        long t0 = System.nanoTime();
        last = describe(admin, topics, brokers, deadBroker, startedNanos, last);
        if (last.complete() || System.nanoTime() > deadline) {
          return last;
        }
        if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(1)) {
          progress.printf(Locale.ROOT, "leaders: %d/%d led after %d ms (last describe %d ms)%n", last.led(),
              last.partitions(), last.millis(), elapsedMillis(t0));
          lastProgress = System.nanoTime();
        }
        Thread.sleep(POLL_MILLIS);
      }
    }
  }

  private static Result describe(Admin admin, Collection<String> topics, Collection<Integer> brokers,
      int deadBroker, long startedNanos, Result previous) throws InterruptedException {
    Map<String, TopicDescription> described;
    try {
      described = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // a topic not yet visible everywhere, or a broker busy electing: ask again
      return new Result(false, elapsedMillis(startedNanos), previous.partitions(), previous.led(),
          previous.leadersPerBroker());
    }
    int partitions = 0;
    int led = 0;
    Map<Integer, Integer> perBroker = new TreeMap<>();
    brokers.forEach(b -> perBroker.put(b, 0));
    for (TopicDescription topic : described.values()) {
      for (TopicPartitionInfo info : topic.partitions()) {
        partitions++;
        Node leader = info.leader();
        if (leader != null && !leader.isEmpty() && leader.id() >= 0 && leader.id() != deadBroker) {
          led++;
          perBroker.merge(leader.id(), 1, Integer::sum);
        }
      }
    }
    boolean complete = partitions > 0 && led == partitions && described.size() == topics.size();
    return new Result(complete, elapsedMillis(startedNanos), partitions, led, perBroker);
  }

  private static long elapsedMillis(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
