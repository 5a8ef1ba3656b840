package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.List;

/** A testbed that does nothing but remember what faults asked of it, in order ("kill n2", ...). */
final class RecordingTestbed implements Testbed {
  final List<String> calls = new ArrayList<>();
  String leader = "n1";
  RuntimeException leaderFailure;
  long killMillis;
  Grudge lastGrudge;
  /** Nodes whose broker {@link #running} says has exited. */
  final java.util.Set<String> halted = new java.util.HashSet<>();
  /** Nodes whose {@link #awaitReady} runs out of time (throws, as a site's bound does). */
  final java.util.Set<String> notReady = new java.util.HashSet<>();
  /** What {@link #clients} returns. */
  ClientFleet fleet = ClientFleet.NONE;
  /** What {@link #members} returns (null: none, as a testbed without a cluster admin). */
  ClusterMembers members;

  @Override
  public ClusterMembers members() {
    if (members == null) {
      return Testbed.super.members();
    }
    return members;
  }

  @Override
  public ClientFleet clients() {
    return fleet;
  }

  @Override
  public void kill(String node) {
    calls.add("kill " + node);
    try {
      Thread.sleep(killMillis); // a kill that takes its time, as a slow host does
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void start(String node) {
    calls.add("start " + node);
  }

  @Override
  public void stop(String node) {
    calls.add("stop " + node);
  }

  @Override
  public void awaitReady(String node) {
    calls.add("ready " + node);
    if (notReady.contains(node)) {
      throw new IllegalStateException("node=" + node + " reason=not-ready timeout-ms=120000");
    }
  }

  @Override
  public void pause(String node) {
    calls.add("pause " + node);
  }

  @Override
  public void resume(String node) {
    calls.add("resume " + node);
  }

  @Override
  public void wipe(String node) {
    calls.add("wipe " + node);
  }

  @Override
  public String loseUnsynced(String node) {
    calls.add("lose-unsynced " + node);
    return "files=3";
  }

  @Override
  public String corrupt(String node, long seed) {
    calls.add("corrupt " + node + " " + seed);
    return "flip file=raft/g/00000000000000000001.log offset=7 size=100 byte=0->255";
  }

  @Override
  public String diskErrors(String node, io.chronik.control.disk.DiskErrors mode) {
    calls.add("disk-errors " + node + " " + mode.word());
    return "disk-errors=" + mode.word();
  }

  @Override
  public String clockOffset(String node, long seconds) {
    calls.add("clock-offset " + node + " " + seconds);
    return "offset=" + seconds;
  }

  @Override
  public String clockStrobe(String node, long a, long b, long periodMillis) {
    calls.add("clock-strobe " + node + " " + a + "/" + b + " every " + periodMillis);
    return "strobe-pid=42";
  }

  @Override
  public boolean running(String node) {
    calls.add("running " + node);
    return !halted.contains(node);
  }

  @Override
  public void partition(Grudge grudge) {
    calls.add("partition");
    lastGrudge = grudge;
  }

  @Override
  public void cutFromClients(List<String> nodes) {
    calls.add("cut-from-clients " + nodes);
  }

  @Override
  public void dropPackets(List<String> nodes, double probability) {
    calls.add("drop-packets " + nodes + " " + probability);
  }

  @Override
  public void limitBandwidth(List<String> nodes, int kbit) {
    calls.add("limit-bandwidth " + nodes + " " + kbit);
  }

  @Override
  public void healNetwork() {
    calls.add("heal-network");
  }

  @Override
  public String delayPeerLinks(List<String> nodes, long delayMillis, long closeDelayMillis) {
    calls.add("delay-peer-links " + nodes + " " + delayMillis + " " + closeDelayMillis);
    return "delayed";
  }

  @Override
  public String leader() {
    if (leaderFailure != null) {
      throw leaderFailure;
    }
    return leader;
  }
}
