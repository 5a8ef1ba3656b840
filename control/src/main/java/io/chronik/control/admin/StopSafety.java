package io.chronik.control.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Whether one node may stop without leaving a Raft group below its quorum: every partition it
 * replicates, and the metadata group it votes in, must keep a majority of its voters up without it.
 * Stopping a node whose loss takes a group below that stalls every write to the group until a node
 * returns (and with a wiped disk, risks what the group acknowledged), so operators ask first.
 *
 * @param reasons one {@code key=value} line per group that would lose its quorum; empty when safe
 */
public record StopSafety(int node, List<String> reasons) {
  public StopSafety {
    reasons = List.copyOf(reasons);
  }

  public boolean safe() {
    return reasons.isEmpty();
  }

  /**
   * @param voters the metadata group's voters (DescribeQuorum)
   * @param up whether a node is up (reachable); a partition replica counts only when up and in sync
   */
  static StopSafety judge(int node, Collection<TopicDescription> topics, Collection<Integer> voters, IntPredicate up) {
    List<String> reasons = new ArrayList<>();
    if (voters.contains(node)) {
      List<Integer> rest = voters.stream().filter(v -> v != node && up.test(v)).sorted().toList();
      int needed = voters.size() / 2 + 1;
      if (rest.size() < needed) {
        reasons.add("group=metadata voters=" + voters.stream().sorted().toList() + " up-without-node=" + rest
            + " needed=" + needed);
      }
    }
    topics.stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(t -> {
      for (TopicPartitionInfo p : t.partitions()) {
        List<Integer> replicas = p.replicas().stream().map(Node::id).toList();
        if (!replicas.contains(node)) {
          continue;
        }
        List<Integer> isr = p.isr().stream().map(Node::id).toList();
        List<Integer> rest = replicas.stream().filter(r -> r != node && up.test(r) && isr.contains(r)).toList();
        int needed = replicas.size() / 2 + 1;
        if (rest.size() < needed) {
          reasons.add("partition=" + t.name() + "-" + p.partition() + " replicas=" + replicas + " up-without-node=" + rest
              + " needed=" + needed);
        }
      }
    });
    return new StopSafety(node, reasons);
  }

  /** The report: a first line with the verdict, then up to {@code listMax} reasons. */
  List<String> lines(int listMax) {
    List<String> out = new ArrayList<>();
    out.add((safe() ? "safe-to-stop=true" : "safe-to-stop=false") + " node=" + node + " groups-losing-quorum=" + reasons.size());
    reasons.stream().limit(listMax).forEach(out::add);
    if (reasons.size() > listMax) {
      out.add("... " + (reasons.size() - listMax) + " more");
    }
    return out;
  }
}
