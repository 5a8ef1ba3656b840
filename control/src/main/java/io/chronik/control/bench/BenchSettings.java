package io.chronik.control.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Everything one {@code chronik bench} run needs, validated; see {@link BenchCommand} for the flags. */
record BenchSettings(String mode, String bootstrap, String topic, int producers, int recordSizeBytes, String acks,
    double ratePerSecond, long records, long durationSeconds, int lingerMs, int batchSizeBytes, long warmupSeconds,
    String group, int fetchMaxWaitMs, List<String> producerProps, int topics) {

  static final List<String> MODES = List.of("produce", "consume", "e2e", "leaders");
  /** Longest wait for every partition to have a leader (mode leaders, or after --create-topic). */
  static final long LEADERS_TIMEOUT_SECONDS = 120;
  /** The send time stamped into each e2e record value (a long). */
  static final int STAMP_BYTES = Long.BYTES;

  BenchSettings {
    producerProps = List.copyOf(producerProps);
  }

  BenchSettings(String mode, String bootstrap, String topic, int producers, int recordSizeBytes, String acks,
      double ratePerSecond, long records, long durationSeconds, int lingerMs, int batchSizeBytes, long warmupSeconds,
      String group, int fetchMaxWaitMs, List<String> producerProps) {
    this(mode, bootstrap, topic, producers, recordSizeBytes, acks, ratePerSecond, records, durationSeconds, lingerMs,
        batchSizeBytes, warmupSeconds, group, fetchMaxWaitMs, producerProps, 1);
  }

  /** The topics driven: {@code topic} itself, or {@code topic-0 … topic-(N-1)} with {@code --topics N}. */
  List<String> topicNames() {
    if (topics == 1) {
      return List.of(topic);
    }
    List<String> names = new ArrayList<>(topics);
    for (int i = 0; i < topics; i++) {
      names.add(topic + "-" + i);
    }
    return names;
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
    if (topics < 1 || topics > 10_000 || (topics > 1 && (mode.equals("consume") || mode.equals("e2e")))) {
      return "topics=" + topics + " mode=" + mode + " reason=expected 1..10000, and 1 for consume and e2e";
    }
    if (mode.equals("e2e") && recordSizeBytes < STAMP_BYTES) {
      return "record-size=" + recordSizeBytes + " reason=e2e needs at least " + STAMP_BYTES + " bytes for the send time";
    }
    if (!mode.equals("consume") && !mode.equals("leaders") && records == 0 && durationSeconds == 0) {
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
    m.put("topics", topics);
    return m;
  }
}
