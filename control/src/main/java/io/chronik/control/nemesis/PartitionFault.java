package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Network partitions between the nodes (iptables on every node), in one of several shapes drawn
 * per injection from the run's {@code --partition-shapes}. The injection's targets are the nodes
 * the shape cuts off (the isolated node, the minority half, the two sides of a bridge, every node of
 * a ring); its arrangement (the seeded node order the shape is laid on) is what makes it replayable.
 */
public final class PartitionFault implements Fault {
  /** A partition shape: its name in the history and on the command line, and its smallest cluster. */
  public enum Shape {
    ISOLATE_ONE("isolate-one", 2),
    HALVES("halves", 2),
    MAJORITIES_RING("majorities-ring", 4), // below 4 nodes every node sees every other: no fault at all
    BRIDGE("bridge", 3),
    ISOLATE_LEADER("isolate-leader", 2);

    private final String label;
    private final int minNodes;

    Shape(String label, int minNodes) {
      this.label = label;
      this.minNodes = minNodes;
    }

    public String label() {
      return label;
    }

    static Shape of(String label) {
      for (Shape s : values()) {
        if (s.label.equals(label)) {
          return s;
        }
      }
      throw new IllegalArgumentException("shape=" + label + " reason=unknown known=" + LABELS);
    }
  }

  /** Every shape's name, in declaration order (the default of {@code --partition-shapes}). */
  public static final List<String> LABELS = java.util.Arrays.stream(Shape.values()).map(Shape::label).toList();

  @Override
  public String name() {
    return "partition";
  }

  @Override
  public String help() {
    return "iptables partition between nodes, shape drawn from --partition-shapes " + LABELS;
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB, Site.VMS);
  }

  @Override
  public boolean byDefault() {
    return true;
  }

  @Override
  public int minNodes() {
    return 2;
  }

  @Override
  public String problem(Draw draw) {
    String tooFew = Fault.super.problem(draw);
    if (tooFew != null) {
      return tooFew;
    }
    try {
      if (usable(draw).isEmpty()) {
        return "shapes=" + draw.shapes() + " nodes=" + draw.nodes().size() + " reason=no-usable-partition-shape";
      }
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  /** The asked shapes that mean a partition on this many nodes. */
  static List<Shape> usable(Draw draw) {
    List<Shape> usable = new ArrayList<>();
    for (String label : draw.shapes()) {
      Shape s = Shape.of(label);
      if (draw.nodes().size() >= s.minNodes) {
        usable.add(s);
      }
    }
    return usable;
  }

  @Override
  public Injection pick(Draw draw) {
    List<Shape> usable = usable(draw);
    Shape shape = usable.get(draw.random().nextInt(usable.size()));
    List<String> order = draw.shuffled();
    return new Injection(cutOff(shape, order), shape.label(), order);
  }

  @Override
  public Injection resolve(Injection picked, Testbed bed) {
    if (!picked.shape().equals(Shape.ISOLATE_LEADER.label())) {
      return picked;
    }
    return new Injection(List.of(bed.leader()), picked.shape(), picked.arrangement());
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    Grudge grudge = grudge(Shape.of(injection.shape()), injection.arrangement(), injection.targets());
    bed.partition(grudge);
    return grudge.drops().toString();
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    bed.healNetwork();
    return "healed " + injection.shape();
  }

  /** The nodes a shape laid on {@code order} cuts off (isolate-leader: resolved when it starts). */
  static List<String> cutOff(Shape shape, List<String> order) {
    int n = order.size();
    return switch (shape) {
      case ISOLATE_ONE -> order.subList(0, 1);
      case HALVES -> order.subList(0, n / 2);
      case BRIDGE -> {
        List<String> sides = new ArrayList<>(order);
        sides.remove(n / 2);
        yield sides;
      }
      case MAJORITIES_RING -> order;
      case ISOLATE_LEADER -> List.of();
    };
  }

  static Grudge grudge(Shape shape, List<String> order, List<String> targets) {
    return switch (shape) {
      case ISOLATE_ONE -> Grudge.isolate(order, order.get(0));
      case HALVES -> Grudge.halves(order);
      case MAJORITIES_RING -> Grudge.majoritiesRing(order);
      case BRIDGE -> Grudge.bridge(order);
      case ISOLATE_LEADER -> Grudge.isolate(order, targets.get(0));
    };
  }
}
