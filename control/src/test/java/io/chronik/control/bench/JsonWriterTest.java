package io.chronik.control.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @Test
  void writesNestedValuesThatParseBackUnchanged() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("p50", 1.25);
    inner.put("count", 42L);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("mode", "produce");
    root.put("text", "quote\" back\\slash\nnewline\u0001");
    root.put("latencyMs", inner);
    root.put("errors", List.of("a", "b"));
    root.put("empty", new ArrayList<>());
    root.put("none", null);
    root.put("ok", true);
    root.put("nan", Double.NaN);
    String json = JsonWriter.write(root);
    Map<String, Object> back = JsonText.object(json);
    assertThat(back.keySet()).containsExactly("mode", "text", "latencyMs", "errors", "empty", "none", "ok", "nan");
    assertThat(back.get("text")).isEqualTo("quote\" back\\slash\nnewline\u0001");
    assertThat(back.get("latencyMs")).isEqualTo(Map.of("p50", 1.25, "count", 42.0));
    assertThat(back.get("errors")).isEqualTo(List.of("a", "b"));
    assertThat(back.get("nan")).as("non-finite numbers become null").isNull();
    assertThat(json).contains("\"count\": 42\n").doesNotContain("NaN");
  }

  @Test
  void latencySummaryIsInMillisecondsWithEveryPercentile() {
    Histogram h = LatencySummary.newHistogram();
    for (int micros = 1; micros <= 1000; micros++) {
      h.recordValue(micros * 10L); // 10 µs .. 10 ms
    }
    Map<String, Object> json = JsonText.object(JsonWriter.write(LatencySummary.of(h).toJson()));
    assertThat(json.keySet()).containsExactly("count", "p50", "p95", "p99", "p999", "max", "mean");
    assertThat((double) json.get("count")).isEqualTo(1000);
    assertThat((double) json.get("p50")).isBetween(4.99, 5.01);
    assertThat((double) json.get("p99")).isBetween(9.89, 9.91);
    assertThat((double) json.get("max")).isBetween(9.99, 10.01);
    assertThat(LatencySummary.clampMicros(Long.MAX_VALUE)).isEqualTo(LatencySummary.HIGHEST_MICROS);
    assertThat(LatencySummary.clampMicros(-5)).isZero();
  }

  @Test
  void settingsRejectWhatCannotRunAndNameTheKey() {
    BenchSettings ok = new BenchSettings("produce", "b", "t", 1, 100, "all", 0, 0, 10, 5, 65536, 2, null, 500, List.of());
    assertThat(ok.problem()).isNull();
    assertThat(new BenchSettings("nope", "b", "t", 1, 100, "all", 0, 0, 10, 5, 65536, 0, null, 500, List.of()).problem())
        .startsWith("mode=nope");
    assertThat(new BenchSettings("e2e", "b", "t", 1, 4, "all", 0, 0, 10, 5, 65536, 0, null, 500, List.of()).problem())
        .startsWith("record-size=4");
    assertThat(new BenchSettings("produce", "b", "t", 1, 100, "2", 0, 0, 10, 5, 65536, 0, null, 500, List.of()).problem())
        .startsWith("acks=2");
    assertThat(new BenchSettings("produce", "b", "t", 1, 100, "1", 0, 0, 10, 5, 65536, 10, null, 500, List.of()).problem())
        .startsWith("warmup=10");
    assertThat(new BenchSettings("produce", "b", "t", 1, 100, "1", 0, 0, 10, 5, 65536, 0, null, 500, List.of("x")).problem())
        .startsWith("producer-prop=x");
    assertThat(ok.producerConfig().getProperty("linger.ms")).isEqualTo("5");
  }
}
