package io.chronik.control.run;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of one verified run, shared by {@code chronik test} and {@code chronik campaign}. */
public final class RunOptions {
  static final List<String> WORKLOADS = List.of("queue", "register");
  static final List<String> LOCAL_FAULTS = List.of("kill", "pause", "wipe", "none");
  static final List<String> HOSTS_FAULTS = List.of("partition", "kill", "pause", "none");

  @Option(names = "--hosts", paramLabel = "auto|lab:N|inventory:FILE",
      description = "Run against a cluster: the first N hosts of the local lab (chronik lab up must have run), the "
          + "machines of an inventory file, or auto (a 3-host lab when root and network namespaces allow, brought up "
          + "and down for the run; else local processes). Default: --nodes broker processes on this machine.")
  String hosts;

  @Option(names = "--lab-dir", description = "Lab directory for --hosts lab:N (default: /var/tmp/chronik-lab).")
  Path labDir;

  @Option(names = "--workload", defaultValue = "queue", description = "queue (default) or register (consumer-group "
      + "offset commit/fetch, checked for linearizability).")
  String workload;

  @Option(names = "--faults", split = ",", description = "Faults: with --hosts partition, kill, pause, none "
      + "(default partition,kill,pause); locally kill, pause, none or wipe (must be judged invalid; default kill,pause).")
  List<String> faults;

  @Option(names = "--partition-shapes", split = ",", description = "Partition shapes to draw from: isolate-one, halves, "
      + "majorities-ring, bridge, isolate-leader (default: all).")
  List<String> partitionShapes;

  @Option(names = "--time", defaultValue = "30", description = "Seconds of workload under faults (default 30).")
  int timeSeconds;

  @Option(names = "--nodes", defaultValue = "3",
      description = "Local mode (no --hosts): broker processes of the local cluster (default 3; 1 = a lone broker).")
  int nodes;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the queue topic (default 3).")
  int partitions;

  @Option(names = "--producers", defaultValue = "2", description = "Queue producer threads (default 2).")
  int producers;

  @Option(names = "--clients", defaultValue = "4", description = "Register client threads (default 4).")
  int clients;

  @Option(names = "--acks", defaultValue = "all", description = "Queue producers' acks: all (default) or 1. With 1 a "
      + "leader cut off from its quorum acknowledges writes that are later lost; the checker must say so.")
  String acks;

  @Option(names = "--seed", description = "Seed of the fault schedule and the clients (default: random, printed).")
  Long seed;

  @Option(names = "--name", description = "Run name in the run folder (default: <lab|hosts|local>-<workload>).")
  String name;

  @Option(names = "--remote-java", description = "Java command on the hosts (default: this JVM's java on lab hosts, "
      + "'java' on inventory hosts).")
  String remoteJava;

  @Option(names = "--runs-dir", description = "Where run folders go (default: histories/runs under CHRONIK_HOME or "
      + "the working directory).")
  Path runsDir;

  List<String> faultsOrDefault() {
    if (faults != null) {
      return faults;
    }
    return List.of(hosts != null ? new String[] {"partition", "kill", "pause"} : new String[] {"kill", "pause"});
  }

  /** The run folder's name after the timestamp. */
  String runName() {
    if (name != null) {
      return name;
    }
    String where = hosts == null ? "local" : HostsTarget.parse(hosts).lab() ? "lab" : "hosts";
    return where + "-" + workload;
  }

  Path runsDirOrDefault() {
    if (runsDir != null) {
      return runsDir;
    }
    String home = System.getenv("CHRONIK_HOME");
    return Path.of(home != null ? home : ".").resolve("histories").resolve("runs");
  }

  /** A key=value reason the options cannot run, or null. */
  String invalidReason() {
    if (!WORKLOADS.contains(workload)) {
      return "workload=" + workload + " reason=unknown known=" + WORKLOADS;
    }
    List<String> known = hosts != null ? HOSTS_FAULTS : LOCAL_FAULTS;
    for (String f : faultsOrDefault()) {
      if (!known.contains(f)) {
        return "fault=" + f + " reason=unknown" + (hosts != null ? "-with-hosts" : "-locally") + " known=" + known;
      }
    }
    if (nodes < 1 || nodes > 7) {
      return "nodes=" + nodes + " reason=need 1..7 local nodes";
    }
    if (timeSeconds < 5 || partitions < 1 || producers < 1 || clients < 1) {
      return "time=" + timeSeconds + " partitions=" + partitions + " producers=" + producers + " clients=" + clients
          + " reason=need time>=5 partitions>=1 producers>=1 clients>=1";
    }
    for (String shape : partitionShapes != null ? partitionShapes : List.<String>of()) {
      if (!io.chronik.control.nemesis.FaultPlan.SHAPES.contains(shape) && !shape.equals("isolate-leader")) {
        return "shape=" + shape + " reason=unknown known=" + io.chronik.control.nemesis.FaultPlan.SHAPES
            + "+[isolate-leader]";
      }
    }
    if (!acks.equals("all") && !acks.equals("1")) {
      return "acks=" + acks + " reason=expected all or 1";
    }
    if (name != null && !name.matches("[A-Za-z0-9._-]{1,40}")) {
      return "name=" + name + " reason=expected 1-40 of [A-Za-z0-9._-]";
    }
    if (hosts != null && !hosts.equals(TestRunner.AUTO)) {
      try {
        HostsTarget.parse(hosts);
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    return null;
  }

  /** The seed given with {@code --seed}, else {@code fallback}. */
  public long seedOr(long fallback) {
    return seed != null ? seed : fallback;
  }

  /** Why these options cannot run (key=value), or null if they can. */
  public String problem() {
    return invalidReason();
  }

  public Path runsDirectory() {
    return runsDirOrDefault();
  }

  /** A copy whose run folders go into {@code dir} (a campaign's folder). */
  public RunOptions inDirectory(Path dir) {
    RunOptions c = new RunOptions();
    c.hosts = hosts;
    c.labDir = labDir;
    c.workload = workload;
    c.faults = faults;
    c.partitionShapes = partitionShapes;
    c.timeSeconds = timeSeconds;
    c.partitions = partitions;
    c.producers = producers;
    c.clients = clients;
    c.acks = acks;
    c.seed = seed;
    c.name = name;
    c.remoteJava = remoteJava;
    c.runsDir = dir;
    return c;
  }
}
