package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link MembershipFault} injection does, decided from the cluster's state when it starts and
 * recorded as the injection's shape: one replica move per partition ({@code p0:n1,n2,n3->n4,n2,n3}) and
 * the metadata voter it removes and adds back, plus why a part was skipped. Pure: {@link #draw} is a
 * function of the assignment, the quorum and the drawn node order; {@link #text} and {@link #parse}
 * round-trip, so start and heal read the plan from the recorded injection alone.
 *
 * <p>Text: {@code moves=p0:n1,n2,n3->n4,n2,n3;p2:n3,n1,n2->n3,n1,n4 voter=n2}, with {@code moves=none}
 * / {@code voter=none} and a {@code moves-skipped=<why>} / {@code voter-skipped=<why>} when a part is left out.
 */
public record MembershipPlan(List<Move> moves, String voter, String note) {
  /** One partition moved: its replicas before and the target (one replica replaced, its position kept). */
  public record Move(int partition, List<String> from, List<String> to) {
    public Move {
      from = List.copyOf(from);
      to = List.copyOf(to);
    }

    /** The node that leaves the partition. */
    public String leaving() {
      return from.stream().filter(n -> !to.contains(n)).findFirst().orElse("");
    }

    /** The node that joins the partition. */
    public String joining() {
      return to.stream().filter(n -> !from.contains(n)).findFirst().orElse("");
    }
  }

  /** Moves need a node outside each partition's replica set: with replication factor 3, a fourth node. */
  public static final int MOVE_NODES = 4;

  public MembershipPlan {
    moves = List.copyOf(moves);
  }

  /**
   * The plan for a cluster of {@code order} (the drawn node order): each partition with a node outside its
   * replicas moves one replica. The k-th such partition gives up the replica at position (k + s) mod its
   * replica count, s drawn from the order, so with as many partitions as replicas every position leaves once
   * — also the preferred one, which leads: each injection makes a leader hand off. The first node of
   * {@code order} (rotated by the partition number, so targets spread) outside the replicas takes that
   * position. The voter is the
   * first of {@code order} that is a voter with a known directory id (RemoveRaftVoter needs it) and not the
   * metadata leader, when there are at least two voters (the last voter cannot leave).
   */
  public static MembershipPlan draw(Map<Integer, List<String>> replicas, ClusterMembers.Quorum quorum,
      List<String> order) {
    List<Move> moves = new ArrayList<>();
    int shift = order.isEmpty() ? 0 : order.stream().sorted().toList().indexOf(order.get(0));
    int k = 0;
    for (Map.Entry<Integer, List<String>> p : new TreeMap<>(replicas).entrySet()) {
      List<String> current = p.getValue();
      String in = rotate(order, p.getKey()).stream().filter(n -> !current.contains(n)).findFirst().orElse(null);
      if (in != null && !current.isEmpty()) {
        int leaving = (k++ + shift) % current.size();
        List<String> target = new ArrayList<>(current);
        target.set(leaving, in);
        moves.add(new Move(p.getKey(), current, target));
      }
    }
    String voter = quorum.voters().size() < 2 ? null : order.stream()
        .filter(n -> !n.equals(quorum.leader()))
        .filter(n -> quorum.voters().stream().anyMatch(v -> v.node().equals(n) && !v.directoryId().isEmpty()))
        .findFirst().orElse(null);
    List<String> note = new ArrayList<>();
    if (moves.isEmpty()) {
      note.add("moves-skipped=" + (order.size() < MOVE_NODES ? "needs-" + MOVE_NODES + "-nodes"
          : "no-node-outside-the-replicas"));
    }
    if (voter == null) {
      note.add("voter-skipped=no-removable-voter voters=" + quorum.voterNodes() + " leader=" + quorum.leader());
    }
    return new MembershipPlan(moves, voter == null ? "" : voter, String.join(" ", note));
  }

  private static List<String> rotate(List<String> order, int by) {
    List<String> rotated = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      rotated.add(order.get((i + by) % order.size()));
    }
    return rotated;
  }

  /** The nodes the plan touches (leaving and joining replicas, the voter), sorted. */
  public List<String> nodes() {
    java.util.TreeSet<String> nodes = new java.util.TreeSet<>();
    for (Move m : moves) {
      nodes.add(m.leaving());
      nodes.add(m.joining());
    }
    if (!voter.isEmpty()) {
      nodes.add(voter);
    }
    nodes.remove("");
    return List.copyOf(nodes);
  }

  /** Partition → target replicas ({@code after}) or the replicas before the moves. */
  public Map<Integer, List<String>> assignment(boolean after) {
    Map<Integer, List<String>> m = new LinkedHashMap<>();
    for (Move move : moves) {
      m.put(move.partition(), after ? move.to() : move.from());
    }
    return m;
  }

  /** The recorded text ({@link #parse} reads it back). */
  public String text() {
    List<String> parts = new ArrayList<>();
    for (Move m : moves) {
      parts.add("p" + m.partition() + ":" + String.join(",", m.from()) + "->" + String.join(",", m.to()));
    }
    String text = "moves=" + (parts.isEmpty() ? "none" : String.join(";", parts)) + " voter="
        + (voter.isEmpty() ? "none" : voter);
    return note.isEmpty() ? text : text + " " + note;
  }

  /** Reads {@link #text}; throws with key=value on anything else. */
  public static MembershipPlan parse(String text) {
    String[] words = text.strip().split(" ", 3);
    if (words.length < 2 || !words[0].startsWith("moves=") || !words[1].startsWith("voter=")) {
      throw new IllegalArgumentException("plan=[" + text + "] reason=expected-moves=...-voter=...");
    }
    List<Move> moves = new ArrayList<>();
    String movesText = words[0].substring("moves=".length());
    if (!movesText.equals("none")) {
      for (String move : movesText.split(";")) {
        moves.add(parseMove(move, text));
      }
    }
    String voter = words[1].substring("voter=".length());
    return new MembershipPlan(moves, voter.equals("none") ? "" : voter, words.length > 2 ? words[2] : "");
  }

  private static Move parseMove(String move, String text) {
    int colon = move.indexOf(':');
    int arrow = move.indexOf("->");
    if (!move.startsWith("p") || colon < 2 || arrow < colon) {
      throw new IllegalArgumentException("move=" + move + " plan=[" + text + "] reason=expected-pN:from->to");
    }
    try {
      int partition = Integer.parseInt(move.substring(1, colon));
      return new Move(partition, List.of(move.substring(colon + 1, arrow).split(",")),
          List.of(move.substring(arrow + 2).split(",")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("move=" + move + " plan=[" + text + "] reason=partition-not-a-number", e);
    }
  }

  /** {@code p0:n1,n2,n3;p1:...}: an assignment as the fault's values print it, partitions in order. */
  public static String assignmentText(Map<Integer, List<String>> assignment) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<Integer, List<String>> e : new TreeMap<>(assignment).entrySet()) {
      parts.add("p" + e.getKey() + ":" + String.join(",", e.getValue()));
    }
    return parts.isEmpty() ? "none" : String.join(";", parts);
  }
}
