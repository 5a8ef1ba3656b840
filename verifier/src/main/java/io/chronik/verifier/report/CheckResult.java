package io.chronik.verifier.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a checker concluded: a verdict, how many cases of each anomaly type it found (all of them
 * are counted) and a bounded sample of cases per type (so a broken million-op run cannot exhaust the
 * heap), plus the anomaly types that were found but are allowed by the options.
 */
public final class CheckResult {
  private final String model;
  private final Verdict verdict;
  private final Map<String, Long> counts;
  private final Map<String, List<Anomaly>> cases;
  private final Set<String> allowedTypes;
  private final Map<String, Object> stats;

  private CheckResult(Builder b, Verdict verdict) {
    this.model = b.model;
    this.verdict = verdict;
    this.counts = Collections.unmodifiableMap(new TreeMap<>(b.counts));
    Map<String, List<Anomaly>> c = new TreeMap<>();
    b.cases.forEach((k, v) -> c.put(k, List.copyOf(v)));
    this.cases = Collections.unmodifiableMap(c);
    this.allowedTypes = Collections.unmodifiableSet(new TreeSet<>(b.allowedTypes));
    this.stats = Collections.unmodifiableMap(new LinkedHashMap<>(b.stats));
  }

  public String model() {
    return model;
  }

  public Verdict verdict() {
    return verdict;
  }

  /** Anomaly type → number of cases found (including allowed types). */
  public Map<String, Long> counts() {
    return counts;
  }

  /** Anomaly type → the first cases found, at most {@link Builder#casesPerTypeMax} each. */
  public Map<String, List<Anomaly>> cases() {
    return cases;
  }

  public Set<String> allowedTypes() {
    return allowedTypes;
  }

  /** Types that were found and are not allowed: non-empty iff the verdict is INVALID. */
  public Set<String> badTypes() {
    Set<String> bad = new TreeSet<>(counts.keySet());
    bad.removeAll(allowedTypes);
    return bad;
  }

  /** Free-form figures for the summary (op counts, keys, ...); values must be EDN-printable. */
  public Map<String, Object> stats() {
    return stats;
  }

  public static Builder builder(String model, int casesPerTypeMax) {
    return new Builder(model, casesPerTypeMax);
  }

  /** Accumulates anomalies while a checker runs; not thread-safe. */
  public static final class Builder {
    private final String model;
    private final int casesPerTypeMax;
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, List<Anomaly>> cases = new TreeMap<>();
    private final Set<String> allowedTypes = new TreeSet<>();
    private final Map<String, Object> stats = new LinkedHashMap<>();

    private Builder(String model, int casesPerTypeMax) {
      this.model = model;
      this.casesPerTypeMax = casesPerTypeMax;
    }

    public Builder add(Anomaly anomaly) {
      counts.merge(anomaly.type(), 1L, Long::sum);
      List<Anomaly> list = cases.computeIfAbsent(anomaly.type(), t -> new ArrayList<>());
      if (list.size() < casesPerTypeMax) {
        list.add(anomaly);
      }
      return this;
    }

    public Builder allow(String type) {
      allowedTypes.add(type);
      return this;
    }

    public Builder stat(String name, Object value) {
      stats.put(name, value);
      return this;
    }

    public boolean has(String type) {
      return counts.containsKey(type);
    }

    /**
     * Invalid iff a disallowed type was found; otherwise valid when {@code evidence} says the history
     * contained something checkable, unknown when it did not.
     */
    public CheckResult build(boolean evidence) {
      boolean bad = counts.keySet().stream().anyMatch(t -> !allowedTypes.contains(t));
      Verdict v = bad ? Verdict.INVALID : (evidence ? Verdict.VALID : Verdict.UNKNOWN);
      return new CheckResult(this, v);
    }
  }
}
