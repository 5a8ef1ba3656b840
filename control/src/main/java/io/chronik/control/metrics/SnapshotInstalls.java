package io.chronik.control.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Snapshot installs (Raft InstallSnapshot persisted by a partition replica) per node during a run,
 * summed from the increases of each broker's {@code chronik_snapshots_installed_total} between
 * scrapes. A restarted broker's counter starts again from 0: a value below the last one is a reset,
 * and the new value counts in full. So is a node's first value, as every broker starts with the run.
 * An install and a restart between two scrapes (a second apart) of the same node go uncounted: the
 * total is a lower bound. Fed by the scraper thread, read after it stopped (synchronized for both).
 */
public final class SnapshotInstalls {
  /** The broker's counter as exposed (the Prometheus client adds {@code _total} to counters). */
  public static final String SERIES = "chronik_snapshots_installed_total";

  private final Map<String, Double> last = new TreeMap<>();
  private final Map<String, Long> installs = new TreeMap<>();

  /** Records one scrape of {@code node}: the sum of its {@link #SERIES} samples (none: nothing learnt). */
  public synchronized void observe(String node, List<PrometheusText.Sample> samples) {
    List<PrometheusText.Sample> mine = samples.stream().filter(s -> s.name().equals(SERIES)).toList();
    if (mine.isEmpty()) {
      return;
    }
    double value = mine.stream().mapToDouble(PrometheusText.Sample::value).sum();
    Double before = last.put(node, value);
    double increase = before == null || value < before ? value : value - before;
    installs.merge(node, Math.round(increase), Long::sum);
  }

  /** Records one scrape of {@code node} from its exposition text. */
  public void observe(String node, String exposition) {
    observe(node, PrometheusText.parse(exposition, java.util.Set.of(SERIES)));
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
