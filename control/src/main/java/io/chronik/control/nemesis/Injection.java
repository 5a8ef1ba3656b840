package io.chronik.control.nemesis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * One injection of a fault: the nodes it hits (in the order it hits them), an optional shape (a
 * partition's, or a clock fault's drawn offsets: {@code offset=+137}) and the node order the shape is
 * laid on. Targets and shape are recorded as the value
 * of the {@code :start-<fault>} invocation, so the history and the report's fault table say whom
 * each fault hit.
 */
public record Injection(List<String> targets, String shape, List<String> arrangement) {
  public Injection {
    targets = List.copyOf(targets);
    arrangement = List.copyOf(arrangement);
  }

  /** A fault without a shape that hits {@code targets}. */
  public static Injection of(List<String> targets) {
    return new Injection(targets, "", List.of());
  }

  /** The recorded value: {@code {:targets ["n1" "n2"]}}, plus {@code :shape} if there is one. */
  public Map<Keyword, Object> edn() {
    Map<Keyword, Object> m = new LinkedHashMap<>();
    m.put(Keyword.newKeyword("targets"), targets);
    if (!shape.isEmpty()) {
      m.put(Keyword.newKeyword("shape"), shape);
    }
    return m;
  }
}
