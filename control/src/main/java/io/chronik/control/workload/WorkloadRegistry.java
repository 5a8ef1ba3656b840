package io.chronik.control.workload;

import java.util.List;
import java.util.Optional;

/**
 * Every workload {@code --workload} can name, registered once (each workload class declares its
 * {@link WorkloadType}); adding one is a class with its TYPE and one line here.
 */
public final class WorkloadRegistry {
  private static final List<WorkloadType> TYPES = List.of(KafkaWorkload.TYPE, RegisterWorkload.TYPE);

  private WorkloadRegistry() {}

  public static List<WorkloadType> all() {
    return TYPES;
  }

  public static List<String> names() {
    return TYPES.stream().map(WorkloadType::name).toList();
  }

  public static Optional<WorkloadType> find(String name) {
    return TYPES.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The workload {@code name} names; throws with key=value when none does. */
  public static WorkloadType get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("workload=" + name + " reason=unknown known="
        + names()));
  }
}
