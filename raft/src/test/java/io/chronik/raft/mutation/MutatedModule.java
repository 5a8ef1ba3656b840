package io.chronik.raft.mutation;

import java.util.List;

/**
 * A module the mutation harness plants bugs in: its directory name under the repository root, the
 * simulation that hunts them (a class with {@code public static String failureOf(long seed)}: null
 * when the seed passes, else the failure line {@code seed=… <time>=… <invariant>: …}), and the
 * modules it is built on (built with it for its unit tests, their own tests left out), and which of
 * its untagged tests count as its unit tests: a surefire {@code -Dtest} pattern, empty for all of them
 * (the broker names the package its bugs live in).
 */
public record MutatedModule(String name, String simulation, List<String> upstream, String unitTests) {

  public MutatedModule(String name, String simulation, List<String> upstream) {
    this(name, simulation, upstream, "");
  }

  /** The Raft core, hunted by the cluster simulator. */
  public static final MutatedModule RAFT = new MutatedModule("raft", "io.chronik.raft.simulation.ClusterSimulation",
      List.of());
}
