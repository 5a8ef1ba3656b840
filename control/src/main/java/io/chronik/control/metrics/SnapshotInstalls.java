package io.chronik.control.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Snapshot installs (Raft InstallSnapshot persisted by a partition replica) per node during a run,
 * summed from the increases of each broker's {@code chronik_snapshots_installed_total} between
 * scrapes. A restarted broker's counter starts again from 0, so a restart counts its new value in
 * full: one seen by a new {@code process_start_time_seconds}, else (no start time exposed) by a value
 * below the last one. A node's first value counts in full too, as every broker starts with the run.
 * Installs between a node's last scrape and its kill go uncounted: the total is a lower bound (a
 * scrape a second). Fed by the scraper thread, read after it stopped (synchronized for both).
 */
public final class SnapshotInstalls {
  /** The broker's counter as exposed (the Prometheus client adds {@code _total} to counters). */
  public static final String SERIES = "chronik_snapshots_installed_total";
  /** The broker process' start (the client's process collector): a new one means the counter restarted at 0. */
  public static final String STARTED = "process_start_time_seconds";

  private final Map<String, Double> last = new TreeMap<>();
  private final Map<String, Double> started = new TreeMap<>();
  private final Map<String, Long> installs = new TreeMap<>();

  /** Records one scrape of {@code node}: the sum of its {@link #SERIES} samples (none: nothing learnt). */
  public synchronized void observe(String node, List<PrometheusText.Sample> samples) {
    List<PrometheusText.Sample> mine = samples.stream().filter(s -> s.name().equals(SERIES)).toList();
    if (mine.isEmpty()) {
      return;
    }
    double value = mine.stream().mapToDouble(PrometheusText.Sample::value).sum();
    Double start = samples.stream().filter(s -> s.name().equals(STARTED)).map(PrometheusText.Sample::value)
        .findFirst().orElse(null);
    Double startBefore = start == null ? started.get(node) : started.put(node, start);
    boolean restarted = start != null && startBefore != null && !start.equals(startBefore);
    Double before = last.put(node, value);
    double increase = before == null || restarted || value < before ? value : value - before;
    installs.merge(node, Math.round(increase), Long::sum);
  }

  /** Records one scrape of {@code node} from its exposition text. */
  public void observe(String node, String exposition) {
    observe(node, PrometheusText.parse(exposition, java.util.Set.of(SERIES, STARTED)));
  }

  /** Installs per node that answered at least once, by node name. */
  public synchronized Map<String, Long> perNode() {
    return new TreeMap<>(installs);
  }

  public synchronized long total() {
    return installs.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The EDN map results.edn gets: {@code {:total N :per-node {"n1" a ...}}}. */
  public String edn() {
    return "{:total " + total() + " :per-node {" + perNode().entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\" " + e.getValue()).collect(Collectors.joining(", ")) + "}}";
  }

  /** The console's words: {@code total=N n1=a n2=b ...}. */
  public String summary() {
    return "total=" + total() + perNode().entrySet().stream().map(e -> " " + e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining());
  }
}
