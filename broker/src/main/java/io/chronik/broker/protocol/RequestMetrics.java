package io.chronik.broker.protocol;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Request count and latency per API (Micrometer timers, created once per API), exported as the
 * histogram {@code chronik_request_duration_seconds{api}} with 15 fixed buckets per API (a percentile
 * histogram would be ~70 buckets per API).
 */
public final class RequestMetrics {
  /** Bucket bounds in microseconds: 250 µs to 10 s. */
  private static final java.time.Duration[] BUCKETS = java.util.stream.LongStream.of(
      250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
      5_000_000, 10_000_000).mapToObj(us -> java.time.Duration.ofNanos(us * 1000))
      .toArray(java.time.Duration[]::new);
  private final Map<ApiKeys, Timer> timers = new EnumMap<>(ApiKeys.class);

  public RequestMetrics(MeterRegistry registry) {
    for (ApiKeys k : SupportedApis.implemented()) {
      timers.put(k, Timer.builder("chronik.request.duration").tag("api", k.name)
          .serviceLevelObjectives(BUCKETS)
          .description("request latency from decode to response").register(registry));
    }
  }

  void record(ApiKeys api, long nanos) {
    Timer t = timers.get(api);
    if (t != null) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** One line "api=count/meanMs" for the periodic log. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    timers.forEach((k, t) -> {
      if (t.count() > 0) {
        sb.append(k.name).append('=').append(t.count()).append('/')
            .append(String.format("%.2fms ", t.mean(TimeUnit.MILLISECONDS)));
      }
    });
    return sb.toString().trim();
  }
}
