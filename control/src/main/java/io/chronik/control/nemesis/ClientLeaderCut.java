package io.chronik.control.nemesis;

import java.util.List;
import java.util.Set;

/**
 * The current leader (of the workload topic's partition 0) cut off from the clients only: its
 * Kafka port drops every packet from the address the clients come from, while it still reaches
 * its peers (Raft goes on, it may stay leader) and the control node's SSH. Clients must fail over
 * or wait; nothing acknowledged may be lost. Needs hosts: local processes share one address.
 */
public final class ClientLeaderCut implements Fault {
  @Override
  public String name() {
    return "client-leader-cut";
  }

  @Override
  public String help() {
    return "cut the partition leader off from the clients only (its peers and SSH still reach it)";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB, Site.VMS);
  }

  @Override
  public int minNodes() {
    return 2;
  }

  @Override
  public Injection pick(Draw draw) {
    return Injection.of(List.of()); // the leader is only known when the cut starts
  }

  @Override
  public Injection resolve(Injection picked, Testbed bed) {
    return Injection.of(List.of(bed.leader()));
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    bed.cutFromClients(injection.targets());
    return "cut-from-clients=" + injection.targets();
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    bed.healNetwork();
    return "reconnected=" + injection.targets();
  }
}
