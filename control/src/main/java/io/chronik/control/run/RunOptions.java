package io.chronik.control.run;

import io.chronik.control.nemesis.Draw;
import io.chronik.control.nemesis.Fault;
import io.chronik.control.nemesis.FaultPlan;
import io.chronik.control.nemesis.FaultPlanner;
import io.chronik.control.nemesis.FaultRegistry;
import io.chronik.control.nemesis.PartitionFault;
import io.chronik.control.nemesis.Site;
import io.chronik.control.workload.WorkloadRegistry;
import io.chronik.control.workload.WorkloadType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of one verified run, shared by {@code chronik test} and {@code chronik campaign}.
 * Workloads and faults, their defaults and their help come from their registries.
 */
public final class RunOptions {
  /** The registered fault names, for picocli's {@code ${COMPLETION-CANDIDATES}} in {@code --faults}' help. */
  static final class FaultNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      List<String> names = new ArrayList<>(FaultRegistry.all().stream().map(f -> f.name()).toList());
      names.add(FaultRegistry.NONE);
      return names.iterator();
    }
  }

  /** The databases a run can target, for {@code --db}'s help. */
  static final class DatabaseNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Database.labels().iterator();
    }
  }

  /** The registered workload names, for {@code --workload}'s help. */
  static final class WorkloadNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return WorkloadRegistry.names().iterator();
    }
  }

  /**
   * Adds every registered fault and workload, with its help, to a run command's help (called by
   * picocli through the command's {@code @Spec} setter).
   */
  public static void describeRegistries(CommandSpec command) {
    List<String> footer = new ArrayList<>();
    footer.add("");
    footer.add("Faults (--faults NAME,...; name, where it runs, what it does):");
    FaultRegistry.table().lines().forEach(footer::add);
    footer.add("");
    footer.add("Workloads (--workload NAME):");
    for (WorkloadType w : WorkloadRegistry.all()) {
      footer.add("  " + w.name());
      footer.add("      " + w.help());
    }
    command.usageMessage().footer(footer.stream().map(l -> l.replace("%", "%%")).toArray(String[]::new));
  }

  @Option(names = "--hosts", paramLabel = "auto|lab:N|inventory:FILE",
      description = "Run against a cluster: the first N hosts of the local lab (chronik lab up must have run), the "
          + "machines of an inventory file, or auto (a 3-host lab when root and network namespaces allow, brought up "
          + "and down for the run; else local processes). Default: --nodes broker processes on this machine.")
  String hosts;

  @Option(names = "--lab-dir", description = "Lab directory for --hosts lab:N (default: /var/tmp/chronik-lab).")
  Path labDir;

  @Option(names = "--no-install", description = "With --hosts auto as root: do not apt-get install the lab's missing "
      + "Debian packages (fall back to local processes instead).")
  boolean noInstall;

  @Option(names = "--db", defaultValue = "chronik", completionCandidates = DatabaseNames.class,
      description = "What the hosts run: ${COMPLETION-CANDIDATES} (default chronik). kafka installs Apache Kafka 4.4.0 "
          + "(KRaft, default flush settings) instead, for the same seed, workload, faults and checker; needs --hosts, "
          + "and refuses faults that reach what only Chronik has (latency, slow-close, rolling-restart).")
  String db;

  @Option(names = "--workload", defaultValue = "kafka", completionCandidates = WorkloadNames.class,
      description = "One of ${COMPLETION-CANDIDATES} (default kafka; see Workloads below).")
  String workload;

  @Option(names = "--faults", split = ",", completionCandidates = FaultNames.class, description = "Faults the schedule "
      + "draws from: ${COMPLETION-CANDIDATES} (see Faults below; default: those marked default that run where the run "
      + "runs: partition,kill,pause with --hosts, kill,pause locally).")
  List<String> faults;

  @Option(names = "--partition-shapes", split = ",", description = "Partition shapes to draw from: isolate-one, halves, "
      + "majorities-ring, bridge, isolate-leader (default: all).")
  List<String> partitionShapes;

  @Option(names = "--time", defaultValue = "30", description = "Seconds of workload under faults (default 30).")
  int timeSeconds;

  @Option(names = "--nodes", defaultValue = "3",
      description = "Local mode (no --hosts): broker processes of the local cluster (default 3; 1 = a lone broker).")
  int nodes;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the kafka workload's topic (default 3).")
  int partitions;

  @Option(names = "--producers", defaultValue = "2", description = "Kafka workload producers (default 2).")
  int producers;

  @Option(names = "--clients", defaultValue = "4", description = "Register workload clients (default 4).")
  int clients;

  /** {@code --consumer-mode} word for consumers in a group. */
  static final String SUBSCRIBE = "subscribe";
  private static final List<String> CONSUMER_MODES = List.of("assign", SUBSCRIBE);

  @Option(names = "--consumers", defaultValue = "1", description = "Kafka workload live consumers (default 1).")
  int consumers = 1;

  @Option(names = "--consumer-mode", defaultValue = "assign", description = "Kafka workload consumers: assign (each "
      + "reads every partition from the beginning; default) or subscribe (members of one consumer group that share the "
      + "partitions and commit what they read: a killed or restarted consumer makes the group rebalance).")
  String consumerMode = "assign";

  @Option(names = "--client-processes", description = "Run the workload's clients (kafka: producers and consumers; "
      + "register: its clients) as separate JVMs of this machine instead of threads of this one (always so when a "
      + "client fault is selected).")
  boolean clientProcessesWanted;

  @Option(names = "--acks", defaultValue = "all", description = "Kafka workload producers' acks: all (default) or 1. With 1 a "
      + "leader cut off from its quorum acknowledges writes that are later lost; the checker must say so.")
  String acks;

  @Option(names = "--seed", description = "Seed of the fault schedule and the clients (default: random, printed).")
  Long seed;

  @Option(names = "--name", description = "Run name in the run folder (default: <lab|hosts|local>-<workload>).")
  String name;

  @Option(names = "--remote-java", description = "Java command on the hosts (default: this JVM's java on lab hosts, "
      + "'java' on inventory hosts).")
  String remoteJava;

  @Option(names = "--broker-set", paramLabel = "KEY=VALUE", description = "A broker setting for every broker of "
      + "the run, passed as --set KEY=VALUE (repeatable; e.g. raft.snapshot.interval.entries=200). Chronik only; the "
      + "run's own keys (node.id, cluster.nodes, listener.*, admin.port, data.dir, num.partitions) are refused.")
  List<String> brokerSets;

  @Option(names = "--topic-config", paramLabel = "KEY=VALUE", description = "A config of the workload's topic at "
      + "creation (repeatable; e.g. retention.bytes=65536), over what the selected faults set (a value given here "
      + "wins). The run prints the configs used.")
  List<String> topicConfigSets;

  @Option(names = "--runs-dir", description = "Where run folders go (default: histories/runs under CHRONIK_HOME or "
      + "the working directory).")
  Path runsDir;

  /** Broker keys every run sets itself: a {@code --broker-set} of one would break the cluster contract. */
  static final List<String> RUN_KEYS = List.of("node.id", "cluster.nodes", "listener.host", "listener.port",
      "admin.port", "data.dir", "num.partitions");

  /** A scenario's fixed schedule; null: faults drawn from the seed ({@link FaultPlan#generate}). */
  FaultPlanner planner;

  /** The run's fault steps on {@code nodes}: the planner's, else drawn from the selected faults. */
  List<FaultPlan.Step> plan(long seed, List<String> nodes, FaultPlan.Timing timing) {
    long durationMillis = TimeUnit.SECONDS.toMillis(timeSeconds);
    if (planner != null) {
      return planner.plan(seed, nodes, durationMillis, timing);
    }
    return FaultPlan.generate(seed, FaultRegistry.select(faultsOrDefault(), site()), nodes, shapesOrDefault(),
        clientProcesses() ? Workloads.processClients(this) : List.of(), durationMillis, timing);
  }

  /** Whether the workload's clients run as separate processes: asked for, or a selected fault kills clients. */
  boolean clientProcesses() {
    return clientProcessesWanted || FaultRegistry.select(faultsOrDefault(), site()).stream()
        .anyMatch(f -> f.needsClientProcesses());
  }

  List<String> faultsOrDefault() {
    return faults != null ? faults : FaultRegistry.defaults(site());
  }

  List<String> shapesOrDefault() {
    return partitionShapes != null ? partitionShapes : PartitionFault.LABELS;
  }

  /** Where the run goes: local processes, lab hosts (also {@code auto}, which prefers them) or VMs. */
  public Site site() {
    if (hosts == null) {
      return Site.LOCAL;
    }
    if (hosts.equals(TestRunner.AUTO)) {
      return Site.LAB;
    }
    try {
      return HostsTarget.parse(hosts).lab() ? Site.LAB : Site.VMS;
    } catch (IllegalArgumentException e) {
      return Site.VMS; // refused with its reason by invalidReason
    }
  }

  /** The run folder's name after the timestamp. */
  String runName() {
    if (name != null) {
      return name;
    }
    String where = hosts == null ? "local" : HostsTarget.parse(hosts).lab() ? "lab" : "hosts";
    return where + (database() == Database.CHRONIK ? "" : "-apache-" + database().label()) + "-" + workload;
  }

  Path runsDirOrDefault() {
    if (runsDir != null) {
      return runsDir;
    }
    String home = System.getenv("CHRONIK_HOME");
    return Path.of(home != null ? home : ".").resolve("histories").resolve("runs");
  }

  /** The target database ({@code --db}); Chronik when the option was not parsed (options built in code). */
  public Database database() {
    return db == null ? Database.CHRONIK : Database.parse(db).orElseThrow(
        () -> new IllegalArgumentException("db=" + db + " reason=unknown known=" + Database.labels()));
  }

  /** {@code --broker-set} settings as {@code key=value}, in the order given (checked by {@link #problem}). */
  public List<String> brokerSettings() {
    return brokerSets == null ? List.of() : List.copyOf(brokerSets);
  }

  /** {@code --topic-config} configs by key (checked by {@link #problem}). */
  public java.util.Map<String, String> topicConfigOverrides() {
    return pairs("topic-config", topicConfigSets);
  }

  /**
   * {@code KEY=VALUE} arguments of {@code option} by key; throws with the option and the argument
   * (key=value) for one without a key or a value, or a key given twice (which one wins would be a guess).
   */
  static java.util.Map<String, String> pairs(String option, List<String> given) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String arg : given == null ? List.<String>of() : given) {
      int eq = arg.indexOf('=');
      if (eq <= 0 || eq == arg.length() - 1 || !arg.substring(0, eq).matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(option + "=" + arg + " reason=expected KEY=VALUE");
      }
      if (out.put(arg.substring(0, eq), arg.substring(eq + 1)) != null) {
        throw new IllegalArgumentException(option + "=" + arg + " reason=key-given-twice");
      }
    }
    return out;
  }

  /** Why the {@code --broker-set} and {@code --topic-config} arguments cannot run, or null. */
  private String settingsProblem() {
    try {
      java.util.Map<String, String> broker = pairs("broker-set", brokerSets);
      pairs("topic-config", topicConfigSets);
      if (!broker.isEmpty() && database() != Database.CHRONIK) {
        return "db=" + database().label() + " broker-set=" + brokerSettings() + " reason=broker-settings-are-chronik-only"
            + " (Kafka's server.properties are not passed; --topic-config works for both)";
      }
      for (String key : broker.keySet()) {
        if (RUN_KEYS.contains(key)) {
          return "broker-set=" + key + "=" + broker.get(key) + " reason=set-by-the-run known=" + RUN_KEYS;
        }
      }
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** A key=value reason the options cannot run, or null. */
  String invalidReason() {
    if (WorkloadRegistry.find(workload).isEmpty()) {
      return "workload=" + workload + " reason=unknown known=" + WorkloadRegistry.names();
    }
    if (db != null && Database.parse(db).isEmpty()) {
      return "db=" + db + " reason=unknown known=" + Database.labels();
    }
    String faultProblem = FaultRegistry.problem(faultsOrDefault(), site());
    if (faultProblem != null) {
      return faultProblem;
    }
    String dbProblem = database().problem(site(), FaultRegistry.select(faultsOrDefault(), site()));
    if (dbProblem != null) {
      return dbProblem;
    }
    String settingsProblem = settingsProblem();
    if (settingsProblem != null) {
      return settingsProblem;
    }
    if (nodes < 1 || nodes > 7) {
      return "nodes=" + nodes + " reason=need 1..7 local nodes";
    }
    if (timeSeconds < 5 || partitions < 1 || producers < 1 || clients < 1 || consumers < 1) {
      return "time=" + timeSeconds + " partitions=" + partitions + " producers=" + producers + " clients=" + clients
          + " consumers=" + consumers + " reason=need time>=5 partitions>=1 producers>=1 clients>=1 consumers>=1";
    }
    if (!CONSUMER_MODES.contains(consumerMode)) {
      return "consumer-mode=" + consumerMode + " reason=unknown known=" + CONSUMER_MODES;
    }
    if (clientProcesses() && Workloads.processClients(this).isEmpty()) {
      return "workload=" + workload + " reason=clients-run-inside-the-control-node (--client-processes and client faults"
          + " need client processes)";
    }
    for (String shape : shapesOrDefault()) {
      if (!PartitionFault.LABELS.contains(shape)) {
        return "shape=" + shape + " reason=unknown known=" + PartitionFault.LABELS;
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
    return sizeProblem();
  }

  /**
   * Why a selected fault cannot run on the cluster size known before the run (local {@code --nodes}
   * or {@code lab:N}; an inventory's size is known once it is read), or null.
   */
  private String sizeProblem() {
    int n = knownNodes();
    if (n < 1) {
      return null;
    }
    List<String> names = java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "n" + i).toList();
    Draw draw = new Draw(names, new java.util.Random(0), shapesOrDefault(),
        clientProcesses() ? Workloads.processClients(this) : List.of());
    for (Fault f : FaultRegistry.select(faultsOrDefault(), site())) {
      String problem = f.problem(draw);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** The cluster size known before the run: local {@code --nodes}, {@code lab:N}, 3 for auto; 0 for an inventory. */
  public int knownNodes() {
    if (hosts == null) {
      return nodes;
    }
    if (hosts.equals(TestRunner.AUTO)) {
      return 3;
    }
    return hosts.startsWith("lab:") ? HostsTarget.parse(hosts).nodes() : 0;
  }

  /**
   * A copy for one scenario: its faults (for the checks before the run and the lazy data dirs), partition
   * shapes, time and fixed schedule, the kafka workload with its default topic, the run folder named
   * after it in {@code dir}.
   */
  public RunOptions forScenario(Path dir, String scenario, List<String> scenarioFaults, List<String> shapes,
      int seconds, FaultPlanner schedule) {
    RunOptions c = inDirectory(dir);
    c.name = scenario;
    c.faults = List.copyOf(scenarioFaults);
    c.partitionShapes = shapes.isEmpty() ? null : List.copyOf(shapes);
    c.timeSeconds = seconds;
    c.workload = "kafka";
    c.partitions = 3;
    c.planner = schedule;
    return c;
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
    c.noInstall = noInstall;
    c.db = db;
    c.workload = workload;
    c.faults = faults;
    c.partitionShapes = partitionShapes;
    c.timeSeconds = timeSeconds;
    c.nodes = nodes;
    c.partitions = partitions;
    c.producers = producers;
    c.clients = clients;
    c.consumers = consumers;
    c.consumerMode = consumerMode;
    c.clientProcessesWanted = clientProcessesWanted;
    c.acks = acks;
    c.seed = seed;
    c.name = name;
    c.remoteJava = remoteJava;
    c.brokerSets = brokerSets;
    c.topicConfigSets = topicConfigSets;
    c.runsDir = dir;
    c.planner = planner;
    return c;
  }
}
