package io.chronik.control.nemesis;

import io.chronik.control.disk.DiskErrors;
import java.util.List;

/**
 * The nodes a run's faults act on, whatever hosts them: local broker processes or hosts reached
 * over SSH. Faults use only these operations, so one fault class serves every site it declares.
 * Operations a site cannot do (partitions on local processes) throw; the registry keeps such
 * faults from being selected there.
 */
public interface Testbed {
  /** SIGKILL of the node's broker; a no-op if it is not running. */
  void kill(String node);

  /** Starts the node's broker from its data; a no-op if it runs. */
  void start(String node);

  /**
   * Graceful stop of the node's broker (SIGTERM after SIGCONT: it hands off its leaderships, then
   * exits; SIGKILL only past the grace period); returns once it is gone. A no-op if it is not running.
   */
  void stop(String node);

  /** Returns once the node's admin {@code /ready} answers 200; throws after the site's bound. */
  void awaitReady(String node);

  /** SIGSTOP of the node's broker. */
  void pause(String node);

  /** SIGCONT of the node's broker. */
  void resume(String node);

  /** Deletes the data of the (stopped) node. */
  void wipe(String node);

  /**
   * Power cut of one node: SIGKILL of its broker, then its data dir drops every change not fsynced;
   * returns what was dropped and kept (key=value). Only where data dirs sit on the lazy file system.
   */
  default String loseUnsynced(String node) {
    throw new UnsupportedOperationException("node=" + node + " reason=no-lazy-data-dir");
  }

  /**
   * Damages one closed segment or snapshot of the (stopped) node's Raft group directories as
   * {@code seed} draws it ({@link CorruptionTarget}); returns what was done (key=value), or that nothing
   * was eligible. Only where the control node reaches the data dir's files (hosts over SSH).
   */
  default String corrupt(String node, long seed) {
    throw new UnsupportedOperationException("node=" + node + " reason=no-data-dir-access-here");
  }

  /**
   * Switches the node's disk errors: its data dir's writes and syncs fail with EIO or ENOSPC from now
   * on, or serve again with {@link DiskErrors#OFF}; the broker is left alone. Returns the file system's
   * answer (key=value). Only where data dirs sit on the lazy file system.
   */
  default String diskErrors(String node, DiskErrors mode) {
    throw new UnsupportedOperationException("node=" + node + " reason=no-lazy-data-dir");
  }

  /** Whether the node's broker process is alive (false once it halted, e.g. fenced on a storage failure). */
  default boolean running(String node) {
    throw new UnsupportedOperationException("node=" + node + " reason=no-process-check-here");
  }

  /**
   * Sets the node's broker's wall-clock offset to {@code seconds} (0: the real clock), stopping a strobe
   * on it first; the host's clock is untouched. Returns what was done (key=value). Only where brokers run
   * under a fake clock (lab runs that select a clock fault).
   */
  default String clockOffset(String node, long seconds) {
    throw new UnsupportedOperationException("node=" + node + " reason=no-fake-clock");
  }

  /**
   * Starts flipping the node's broker's wall-clock offset between {@code a} and {@code b} seconds every
   * {@code periodMillis} until {@link #clockOffset}; returns what was started (key=value). Only where
   * brokers run under a fake clock.
   */
  default String clockStrobe(String node, long a, long b, long periodMillis) {
    throw new UnsupportedOperationException("node=" + node + " reason=no-fake-clock");
  }

  /**
   * The workload's client processes, which client faults kill and restart (by the pids this control
   * node started); none unless the run's clients are separate processes.
   */
  default ClientFleet clients() {
    return ClientFleet.NONE;
  }

  /**
   * The cluster's membership over the Kafka protocol (the workload topic's replicas and moves, the metadata
   * voters), for the membership fault. Only where the run knows the workload's topic and the nodes' ids
   * (hosts).
   */
  default ClusterMembers members() {
    throw new UnsupportedOperationException("reason=no-cluster-admin-here");
  }

  /** Drops packets between nodes as the grudge says (replacing any earlier partition). */
  void partition(Grudge grudge);

  /** Drops the clients' (Kafka) traffic to {@code nodes}; peers and the control node's SSH still pass. */
  void cutFromClients(List<String> nodes);

  /** Drops each packet arriving at {@code nodes} with {@code probability}; the control node's SSH still passes. */
  void dropPackets(List<String> nodes, double probability);

  /** Limits what {@code nodes} send to their peers and clients to {@code kbit} kbit/s. */
  void limitBandwidth(List<String> nodes, int kbit);

  /**
   * Routes the peer links between {@code nodes} through a proxy that delays each direction by
   * {@code delayMillis} and closes a link {@code closeDelayMillis} after its other end did; returns
   * what was done. Only where the control node can proxy the hosts' peer links (lab).
   */
  default String delayPeerLinks(List<String> nodes, long delayMillis, long closeDelayMillis) {
    throw new UnsupportedOperationException("nodes=" + nodes + " reason=no-peer-link-proxy-here");
  }

  /** Removes every partition, client cut, packet loss, bandwidth limit and peer-link delay. */
  void healNetwork();

  /** The node currently leading the workload topic's partition 0 (asked of the cluster). */
  String leader();

  /** Final heal: network healed, every node resumed and started. */
  default void healAll(List<String> nodes) {
    healNetwork();
    for (String n : nodes) {
      resume(n);
      start(n);
    }
  }
}
