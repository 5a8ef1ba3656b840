package io.chronik.control.workload;

import io.chronik.verifier.recorder.HistoryRecorder;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One workload as registered in {@link WorkloadRegistry}: its name on the command line, help text,
 * the topic it needs and how many partitions, how many recorder threads it uses, the clients it can
 * run as separate processes (which client faults draw from; empty: it cannot) and how to build it.
 */
public record WorkloadType(String name, String help, String topic, ToIntFunction<WorkloadSettings> topicPartitions,
    ToIntFunction<WorkloadSettings> concurrency, Function<WorkloadSettings, List<String>> processClients,
    Factory factory) {

  /** Builds the workload for one run. */
  @FunctionalInterface
  public interface Factory {
    Workload create(String bootstrap, long seed, HistoryRecorder recorder, WorkloadSettings settings);
  }

  public Workload create(String bootstrap, long seed, HistoryRecorder recorder, WorkloadSettings settings) {
    return factory.create(bootstrap, seed, recorder, settings);
  }
}
