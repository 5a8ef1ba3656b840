package io.chronik.raft.boundaryfixture;

import java.util.Random;

/**
 * Deliberately breaks every raft boundary rule; {@code ModuleBoundaryTest} proves each rule rejects
 * it. Never referenced from main code.
 */
public final class ImpureCore {
  static int electionsSeen; // static mutable state
  long term; // package-private state another class could assign

  long now() {
    System.out.println("logging from the core"); // side effect
    return System.currentTimeMillis() + new Random().nextInt(); // wall clock, unseeded randomness
  }

  Object sideChannel() throws java.io.IOException {
    return new java.net.Socket(); // a socket, and a dependency outside the JDK-only rule below
  }

  Object foreign() {
    return org.assertj.core.api.Assertions.class; // not the JDK
  }
}
