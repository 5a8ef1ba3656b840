package io.chronik.control.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Everything one {@code chronik bench} run needs, validated; see {@link BenchCommand} for the flags. */
record BenchSettings(String mode, String bootstrap, String topic, int producers, int recordSizeBytes, String acks,
    double ratePerSecond, long records, long durationSeconds, int lingerMs, int batchSizeBytes, long warmupSeconds,
    String group, int fetchMaxWaitMs, List<String> producerProps) {

  static final List<String> MODES = List.of("produce", "consume", "e2e");
  /** The send time stamped into each e2e record value (a long). */
  static final int STAMP_BYTES = Long.BYTES;

  BenchSettings {
    producerProps = List.copyOf(producerProps);
  }

  /** The first problem with these settings, as key=value text, or null. */
  String problem() {
    if (!MODES.contains(mode)) {
      return "mode=" + mode + " reason=expected one of " + MODES;
    }
    if (!List.of("all", "1", "0", "-1").contains(acks)) {
      return "acks=" + acks + " reason=expected all, 1 or 0";
    }
    if (producers < 1 || recordSizeBytes < 0 || ratePerSecond < 0 || records < 0 || durationSeconds < 0
        || warmupSeconds < 0 || lingerMs < 0 || batchSizeBytes < 1) {
      return "producers=" + producers + " record-size=" + recordSizeBytes + " rate=" + ratePerSecond + " records="
          + records + " duration=" + durationSeconds + " warmup=" + warmupSeconds + " reason=out of range";
    }
    if (mode.equals("e2e") && recordSizeBytes < STAMP_BYTES) {
      return "record-size=" + recordSizeBytes + " reason=e2e needs at least " + STAMP_BYTES + " bytes for the send time";
    }
    if (!mode.equals("consume") && records == 0 && durationSeconds == 0) {
      return "reason=give --records or --duration";
    }
    if (durationSeconds > 0 && warmupSeconds >= durationSeconds) {
      return "warmup=" + warmupSeconds + " duration=" + durationSeconds + " reason=warm-up must be shorter than the run";
    }
    for (String p : producerProps) {
      if (p.indexOf('=') <= 0) {
        return "producer-prop=" + p + " reason=expected key=value";
      }
    }
    return null;
  }

  Properties producerConfig() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, acks);
    p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchSizeBytes));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    for (String kv : producerProps) {
      int eq = kv.indexOf('=');
      p.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return p;
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("producers", producers);
    m.put("recordSizeBytes", recordSizeBytes);
    m.put("acks", acks);
    m.put("rateTarget", ratePerSecond);
    m.put("records", records);
    m.put("durationSeconds", durationSeconds);
    m.put("warmupSeconds", warmupSeconds);
    m.put("lingerMs", lingerMs);
    m.put("batchSizeBytes", batchSizeBytes);
    m.put("group", group);
    m.put("fetchMaxWaitMs", fetchMaxWaitMs);
    m.put("producerProps", producerProps);
    return m;
  }
}
