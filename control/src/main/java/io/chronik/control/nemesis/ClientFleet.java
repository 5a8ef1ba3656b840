package io.chronik.control.nemesis;

import java.util.List;

/**
 * The workload's client processes as the nemesis sees them: separate JVMs this control node started
 * (the kafka workload's producers {@code p1..pN} and consumers {@code c1..cM}, the register workload's
 * clients {@code r1..rN}), killed only by the pid it started them with. A killed client's in-flight
 * operation is recorded {@code :info} and the client continues, once started again, as a new Jepsen
 * process.
 */
public interface ClientFleet {
  /** Client names, in workload order. */
  List<String> names();

  /** kill -9 of the client's process; returns once it is reaped and its history settled, saying what was done. */
  String kill(String client);

  /** Starts a fresh process for the client (a no-op if one runs); returns what was started. */
  String start(String client);

  /** No client processes (clients run inside the control node, or the workload has none). */
  ClientFleet NONE = new ClientFleet() {
    @Override
    public List<String> names() {
      return List.of();
    }

    @Override
    public String kill(String client) {
      throw new UnsupportedOperationException("client=" + client + " reason=no-client-processes");
    }

    @Override
    public String start(String client) {
      throw new UnsupportedOperationException("client=" + client + " reason=no-client-processes");
    }
  };
}
