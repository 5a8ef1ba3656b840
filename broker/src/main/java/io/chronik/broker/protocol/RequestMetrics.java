package io.chronik.broker.protocol;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;

/** Request count and latency per API (Micrometer timers, created once per API). */
public final class RequestMetrics {
  private final Map<ApiKeys, Timer> timers = new EnumMap<>(ApiKeys.class);

  public RequestMetrics(MeterRegistry registry) {
    for (ApiKeys k : SupportedApis.implemented()) {
      timers.put(k, Timer.builder("chronik.broker.requests").tag("api", k.name)
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
