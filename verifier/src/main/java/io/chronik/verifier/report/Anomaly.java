package io.chronik.verifier.report;

import java.util.List;
import java.util.Map;

/**
 * One case of one anomaly type, with the operations that show it.
 *
 * @param type Jepsen's name for the anomaly, e.g. {@code lost-write}
 * @param detail EDN-printable facts (keys become keywords): key, value, offsets, delta...
 * @param opIds ids of the offending operations in the checked history (see {@link Timeline#opEdn})
 */
public record Anomaly(String type, Map<String, Object> detail, List<Integer> opIds) {
  public Anomaly {
    detail = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detail));
    opIds = List.copyOf(opIds);
  }
}
