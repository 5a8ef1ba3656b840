package io.chronik.control.run;

import io.chronik.control.db.DbSpec;
import io.chronik.control.host.Host;
import io.chronik.control.host.Shell;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The broker cluster a run deploys onto its hosts, per the cluster contract: host i (in inventory
 * order) is node i, every node gets the same static member list
 * {@code cluster.nodes=0@addr:kafkaPort:raftPort,...} and listens on its own address; {@code settings}
 * ({@code key=value}, the run's {@code --broker-set}) go to every broker after the contract's keys.
 * Pure: the same hosts and settings always give the same spec.
 */
public record HostCluster(List<Host> hosts, int kafkaPort, int raftPort, List<String> settings) {
  /** Node ids are Raft peer ids and stay below this (the broker's limit). */
  static final int NODES_MAX = 64;
  static final String MAIN_CLASS = LocalBroker.MAIN_CLASS;
  static final String NODE_ID = "@NODE_ID@";

  /** A cluster with the contract's keys only. */
  public HostCluster(List<Host> hosts, int kafkaPort, int raftPort) {
    this(hosts, kafkaPort, raftPort, List.of());
  }

  public HostCluster {
    hosts = List.copyOf(hosts);
    settings = List.copyOf(settings);
    if (hosts.isEmpty() || hosts.size() > NODES_MAX) {
      throw new IllegalArgumentException("nodes=" + hosts.size() + " reason=expected-1-to-" + NODES_MAX);
    }
    if (kafkaPort == raftPort) {
      throw new IllegalArgumentException("kafka-port=" + kafkaPort + " raft-port=" + raftPort + " reason=ports-must-differ");
    }
    Set<String> addresses = new HashSet<>();
    for (Host h : hosts) {
      if (!addresses.add(h.address().getHostAddress())) {
        throw new IllegalArgumentException("host=" + h.name() + " address=" + h.address().getHostAddress()
            + " reason=two-nodes-on-one-address (ports are the same on every node)");
      }
    }
  }

  /** Node id of {@code hostName}: its position in the host list. */
  public int nodeId(String hostName) {
    for (int i = 0; i < hosts.size(); i++) {
      if (hosts.get(i).name().equals(hostName)) {
        return i;
      }
    }
    throw new IllegalArgumentException("host=" + hostName + " reason=not-in-cluster");
  }

  /** The host running node {@code id}, if there is one. */
  public Optional<String> hostOfNode(int id) {
    return id >= 0 && id < hosts.size() ? Optional.of(hosts.get(id).name()) : Optional.empty();
  }

  /** The {@code cluster.nodes} value: {@code 0@addr:kafkaPort:raftPort,1@...}. */
  public String clusterNodes() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      parts.add(i + "@" + hosts.get(i).address().getHostAddress() + ":" + kafkaPort + ":" + raftPort);
    }
    return String.join(",", parts);
  }

  /** Kafka bootstrap servers: every node. */
  public String bootstrap() {
    List<String> parts = new ArrayList<>();
    for (Host h : hosts) {
      parts.add(h.address().getHostAddress() + ":" + kafkaPort);
    }
    return String.join(",", parts);
  }

  /**
   * The broker's arguments for every node, with {@code @NODE_ID@}, {@code @ADDRESS@} and
   * {@code @HOME@} left for the DB lifecycle to fill in per host.
   */
  List<String> brokerArgs(int partitions) {
    List<String> args = new ArrayList<>(List.of("--set", "node.id=" + NODE_ID, "--set", "cluster.nodes=" + clusterNodes(),
        "--set", "listener.host=@ADDRESS@", "--set", "listener.port=" + kafkaPort,
        "--set", "data.dir=@HOME@/data", "--set", "num.partitions=" + partitions));
    for (String setting : settings) {
      args.add("--set");
      args.add(setting);
    }
    return List.copyOf(args);
  }

  /**
   * What the DB lifecycle installs and runs: {@code uploads} under lib/, started as
   * {@code java [jvmOptions] -cp '<home>/lib/*' BrokerMain <brokerArgs>}.
   */
  public DbSpec dbSpec(String java, List<String> jvmOptions, List<DbSpec.Upload> uploads, int partitions) {
    StringBuilder cmd = new StringBuilder(Shell.quote(java));
    for (String o : jvmOptions) {
      cmd.append(' ').append(Shell.quote(o));
    }
    cmd.append(" -cp ").append(Shell.quote("@HOME@/lib/*")).append(' ').append(MAIN_CLASS);
    for (String a : brokerArgs(partitions)) {
      cmd.append(' ').append(Shell.quote(a));
    }
    Map<String, Map<String, String>> vars = new HashMap<>();
    for (Host h : hosts) {
      vars.put(h.name(), Map.of(NODE_ID, Integer.toString(nodeId(h.name()))));
    }
    return new DbSpec("chronik", uploads, cmd.toString(), kafkaPort, Map.of(), vars);
  }

  /** How systemd hosts run the same node: the package's launcher with the same broker arguments. */
  public DbSpec.Packaged packaged(java.nio.file.Path deb, List<String> jvmOptions, int partitions) {
    return new DbSpec.Packaged(deb, brokerArgs(partitions), jvmOptions);
  }
}
