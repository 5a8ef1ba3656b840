package io.chronik.control.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * One look at a cluster through the Kafka protocol: its nodes and whether each accepts connections,
 * the controller, and the partitions without a leader or with a replica on an unreachable node (or
 * outside the ISR the leader reports). Healthy when all of those are clean.
 */
public record HealthReport(String clusterId, List<NodeState> nodes, int controller, int partitions,
    List<String> leaderless, List<String> underReplicated, String error) {

  /** A member of the cluster as the metadata names it. */
  public record NodeState(int id, String host, int port, boolean reachable) {}

  public static HealthReport unreachable(String error) {
    return new HealthReport("", List.of(), -1, 0, List.of(), List.of(), error);
  }

  public boolean healthy() {
    return error.isEmpty() && controller >= 0 && leaderless.isEmpty() && underReplicated.isEmpty()
        && !nodes.isEmpty() && nodes.stream().allMatch(NodeState::reachable);
  }

  /** What is wrong, as {@code key=value} words; empty when healthy. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (!error.isEmpty()) {
      p.add("error=" + error);
      return p;
    }
    nodes.stream().filter(n -> !n.reachable()).forEach(n -> p.add("node-down=" + n.id()));
    if (controller < 0) {
      p.add("controller=none");
    }
    if (!leaderless.isEmpty()) {
      p.add("leaderless=" + leaderless.size());
    }
    if (!underReplicated.isEmpty()) {
      p.add("under-replicated=" + underReplicated.size());
    }
    return p;
  }

  /** The report as lines for a terminal or a script (every line {@code key=value}). */
  public List<String> lines(int listMax) {
    List<String> out = new ArrayList<>();
    out.add("healthy=" + healthy() + (healthy() ? "" : " " + String.join(" ", problems())));
    if (!error.isEmpty()) {
      return out;
    }
    out.add("cluster.id=" + clusterId + " controller=" + (controller < 0 ? "none" : controller) + " nodes="
        + nodes.size() + " partitions=" + partitions);
    for (NodeState n : nodes) {
      out.add("node=" + n.id() + " address=" + n.host() + ":" + n.port() + " reachable=" + n.reachable());
    }
    out.add("leaderless=" + leaderless.size() + list(leaderless, listMax));
    out.add("under-replicated=" + underReplicated.size() + list(underReplicated, listMax));
    return out;
  }

  private static String list(List<String> names, int max) {
    if (names.isEmpty()) {
      return "";
    }
    List<String> shown = names.subList(0, Math.min(max, names.size()));
    return " partitions=" + String.join(",", shown) + (names.size() > max ? ",…" : "");
  }
}
