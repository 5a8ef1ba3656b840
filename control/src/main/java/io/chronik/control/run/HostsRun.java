package io.chronik.control.run;

import io.chronik.control.db.ApacheKafka;
import io.chronik.control.db.DbLifecycle;
import io.chronik.control.db.KafkaJars;
import io.chronik.control.db.DbSpec;
import io.chronik.control.db.FakeClock;
import io.chronik.control.db.LazyDataDir;
import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.lab.Lab;
import io.chronik.control.nemesis.Fault;
import io.chronik.control.nemesis.FaultPlan;
import io.chronik.control.nemesis.FaultRegistry;
import io.chronik.control.nemesis.FaultTally;
import io.chronik.control.nemesis.HistoryNemesisRecorder;
import io.chronik.control.nemesis.Nemesis;
import io.chronik.control.nemesis.NemesisSchedule;
import io.chronik.control.replicas.AgreementRecord;
import io.chronik.control.replicas.ReplicaAgreement;
import io.chronik.control.ssh.SshHosts;
import io.chronik.control.workload.Workload;
import io.chronik.control.metrics.ClusterScraper;
import io.chronik.control.metrics.SnapshotInstallRecord;
import io.chronik.control.metrics.SnapshotInstalls;
import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A run against a cluster of hosts reached over SSH only (lab namespaces or real VMs, one code
 * path): deploy the distribution and start one broker per host with the static member list, run the
 * workload against every node, let the nemesis schedule partition (iptables), kill (-9) and pause
 * (SIGSTOP) nodes, then heal everything, wait for recovery, read back, collect every node's log,
 * stop the brokers and check.
 */
final class HostsRun {
  /** The broker's default admin.port, which lab brokers keep. */
  static final int ADMIN_PORT = 9644;
  static final int KAFKA_PORT = 9092;
  static final int RAFT_PORT = 9192;
  static final FaultPlan.Timing TIMING = new FaultPlan.Timing(2_000, 6_000, 3_000, 8_000);
  private static final Duration RECOVERY = Duration.ofSeconds(60);
  /** How long a leader-bound fault waits for a leader (a fault is held 3-8 s; an election takes ~1-3 s). */
  private static final Duration LEADER_WAIT = Duration.ofSeconds(8);
  /** The final heal restarts every node over SSH; far more than it takes, less than forever. */
  private static final Duration FINAL_HEAL = Duration.ofMinutes(5);

  private HostsRun() {}

  /** The hosts a target names, with the inventory that guards them. */
  record Cluster(Inventory inventory, List<Host> hosts) {}

  static Cluster resolve(HostsTarget target, Path labDir) throws IOException {
    if (!target.lab()) {
      Inventory inventory = Inventory.read(target.inventoryFile());
      if (inventory.hosts().isEmpty()) {
        throw new IllegalArgumentException("inventory=" + target.inventoryFile() + " reason=no-hosts");
      }
      return new Cluster(inventory, inventory.hosts());
    }
    Lab lab = new Lab(labDir != null ? labDir : Lab.DEFAULT_DIR, "chronik");
    if (!lab.isUp()) {
      throw new IllegalStateException("lab=" + lab.dir() + " reason=lab-not-up: run 'chronik lab up --nodes "
          + target.nodes() + "' first (as root), then 'chronik lab down' when done");
    }
    Inventory inventory = lab.inventory();
    if (inventory.hosts().size() < target.nodes()) {
      throw new IllegalStateException("lab=" + lab.dir() + " nodes=" + inventory.hosts().size() + " wanted="
          + target.nodes() + " reason=lab-too-small: run 'chronik lab down' and 'chronik lab up --nodes "
          + target.nodes() + "'");
    }
    return new Cluster(inventory, inventory.hosts().subList(0, target.nodes()));
  }

  static RunOutcome run(RunOptions o, long seed, Path runDir, PrintStream console) throws Exception {
    HostsTarget target = HostsTarget.parse(o.hosts);
    Cluster c = resolve(target, o.labDir);
    HostCluster cluster = new HostCluster(c.hosts(), KAFKA_PORT, RAFT_PORT, o.brokerSettings());
    String java = o.remoteJava != null ? o.remoteJava
        : target.lab() ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : "java";
    DbSpec spec = o.database() == Database.KAFKA ? kafkaSpec(o, c.hosts(), java, seed, console)
        : chronikSpec(o, c.hosts(), cluster, java, console);
    Optional<FakeClock.Refresh> refresh = fakeClockRefresh(o);
    if (refresh.isPresent()) {
      spec = fakeClockSpec(spec, refresh.get(), console);
    }
    AddressGuard guard = new AddressGuard(c.inventory(), false);
    for (String server : cluster.bootstrap().split(",")) {
      guard.check(server.substring(0, server.indexOf(':')));
    }
    try (SshHosts ssh = new SshHosts(c.inventory(), guard)) {
      DbLifecycle db = new DbLifecycle(ssh, guard, spec, o.database().stopGrace());
      Optional<LazyDataDir> lazy = lazyDataDir(o, ssh, java);
      Optional<FakeClock> clock = refresh.map(r -> new FakeClock(ssh));
      RemoteCluster remote = new RemoteCluster(db, c.hosts(), console, lazy);
      try {
        remote.deploy();
        return underFaults(o, seed, runDir, console, ssh, db, cluster, remote, ReplicaCheck.onHosts(ssh, c.hosts(), java),
            lazy, clock);
      } finally {
        remote.collectLogs(runDir.resolve("nodes"));
        remote.stopAll();
      }
    }
  }

  private static DbSpec chronikSpec(RunOptions o, List<Host> hosts, HostCluster cluster, String java,
      PrintStream console) throws IOException, InterruptedException {
    // a verification run keeps the broker's assertions on (TigerBeetle keeps them on in production)
    List<String> jvmOptions = List.of("-ea", "-Xmx384m", "-XX:+UseSerialGC");
    DbSpec spec = cluster.dbSpec(java, jvmOptions, Distribution.uploads(System.getProperty("java.class.path")),
        Workloads.topicPartitions(o));
    if (hosts.stream().anyMatch(h -> h.service() == io.chronik.control.host.ServiceManager.SYSTEMD)) {
      // VMs run the Debian package, as operators do, under the run's drop-in (DbLifecycle)
      spec = spec.withPackage(cluster.packaged(ReleasePackage.build(), jvmOptions, Workloads.topicPartitions(o)));
    }
    console.printf("chronik test: cluster.nodes=%s%n", cluster.clusterNodes());
    if (!cluster.settings().isEmpty()) {
      console.printf("chronik test: broker settings=%s (--broker-set, every broker)%n", cluster.settings());
    }
    return spec;
  }

  /** Apache Kafka on the same hosts: its jars resolved (and cached) on this machine, uploaded like Chronik's. */
  private static DbSpec kafkaSpec(RunOptions o, List<Host> hosts, String java, long seed, PrintStream console) {
    if (hosts.stream().anyMatch(h -> h.service() == io.chronik.control.host.ServiceManager.SYSTEMD)) {
      throw new IllegalArgumentException("db=kafka reason=systemd-hosts-run-the-chronik-package-only (use pid-file hosts)");
    }
    ApacheKafka kafka = new ApacheKafka(hosts, java, seed);
    DbSpec spec = kafka.spec(KafkaJars.standard().resolve(console), Workloads.topicPartitions(o));
    console.printf("chronik test: db=kafka version=%s cluster-id=%s controller-port=%d%n", KafkaJars.VERSION,
        kafka.clusterId(), ApacheKafka.CONTROLLER_PORT);
    return spec;
  }

  private static RunOutcome underFaults(RunOptions o, long seed, Path runDir, PrintStream console, SshHosts ssh,
      DbLifecycle db, HostCluster cluster, RemoteCluster remote, ReplicaCheck replicas, Optional<LazyDataDir> lazy,
      Optional<FakeClock> clock) throws Exception {
    String bootstrap = cluster.bootstrap();
    List<String> names = cluster.hosts().stream().map(Host::name).toList();
    Workload work;
    Path history = runDir.resolve("history.edn");
    FaultTally faults;
    long ops;
    boolean complete;
    boolean recovered;
    SnapshotInstalls installs;
    try (HistoryRecorder recorder = HistoryRecorder.open(history, Workloads.concurrency(o));
        LeaderLookup leaders = new LeaderLookup(bootstrap, cluster);
        AdminClusterMembers members = new AdminClusterMembers(bootstrap, Workloads.topic(o), cluster, db.guard());
        ClusterScraper scraper = ClusterScraper.start(runDir, o.database().chronikTools() ? metricsUris(cluster)
            : java.util.Map.of(), System::nanoTime,
            recorder.startNanos())) {
      work = Workloads.create(o, bootstrap, seed, recorder, runDir);
      String topic = work.topic();
      java.util.Map<String, String> topicConfigs = Workloads.topicConfigs(o);
      Workloads.createTopic(bootstrap, topic, Workloads.topicPartitions(o), o.database() == Database.CHRONIK
          ? Optional.empty() : Optional.of((short) Math.min(3, names.size())), topicConfigs);
      String configLine = Workloads.topicConfigLine(o, topic);
      if (configLine != null) {
        console.println(configLine);
      }
      leaders.await(topic, Workloads.topicPartitions(o), RECOVERY);
      faults = new FaultTally(new HistoryNemesisRecorder(recorder.faultOps()));
      HostsTestbed bed = new HostsTestbed(ssh, db, cluster.hosts(), () -> leaders.awaitLeaderHost(topic, 0, LEADER_WAIT),
          KAFKA_PORT, lazy, db.guard(), ADMIN_PORT, RAFT_PORT, clock, work.clients(), members);
      Nemesis nemesis = new Nemesis(bed, names, faults, System::nanoTime);
      List<FaultPlan.Step> plan = o.plan(seed, names, TIMING);
      console.printf("chronik test: %d fault steps planned%n", plan.size());
      work.start();
      ProgressLine progress = new ProgressLine(console, recorder::size, work::okCount, work::errorCount, faults::total);
      try {
        NemesisSchedule.Running schedule = NemesisSchedule.start(nemesis, plan);
        TimeUnit.SECONDS.sleep(o.timeSeconds);
        // the plan ends within the run time; what remains is the final heal
        Optional<RuntimeException> failure = schedule.await(FINAL_HEAL);
        if (failure.isPresent()) {
          // The final heal itself failed (e.g. a host briefly unreachable): one more try, else the run fails.
          console.printf("chronik test: final heal failed, retrying reason=%s%n", failure.get().getMessage());
          nemesis.healAll();
        }
        console.println("chronik test: healed; waiting for recovery");
        recovered = recovered(remote, leaders, topic, Workloads.topicPartitions(o), console);
      } finally {
        progress.close();
        work.stop(); // also when the run fails: no client of ours keeps running
      }
      complete = recovered && work.finalReads(RECOVERY);
      console.printf("chronik test: final reads %s%n", complete ? "complete" : "INCOMPLETE");
      ops = recorder.size();
      console.printf("chronik test: cluster metrics rows=%d file=%s%n", scraper.rows(), ClusterScraper.FILE);
      installs = scraper.snapshotInstalls();
    }
    Verdict checked = work.check(history, runDir, complete, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    Verdict verdict = afterCheck(o, UnreadVerdict.judge(checked, complete, runDir, console), runDir, console, replicas,
        recovered, installs);
    return new RunOutcome(runDir, seed, verdict, ops, faults.total(), faults.byFault());
  }

  /**
   * What the checker could not see, written into its results.edn and report: whether the replicas agree
   * (a divergence makes the run invalid) and how many snapshot installs the brokers counted.
   */
  private static Verdict afterCheck(RunOptions o, Verdict verdict, Path runDir, PrintStream console,
      ReplicaCheck replicas, boolean recovered, SnapshotInstalls installs) throws IOException, InterruptedException {
    if (!o.database().chronikTools()) {
      console.println("chronik test: snapshot installs not-counted reason=db-" + o.database().label()
          + " (chronik_snapshots_installed_total is Chronik's)");
      SnapshotInstallRecord.amendUnchecked(runDir, "db-" + o.database().label());
    } else {
      console.println("chronik test: snapshot installs " + installs.summary());
      SnapshotInstallRecord.amend(runDir, installs);
    }
    if (!o.database().chronikTools()) {
      console.println("chronik test: replicas not-checked reason=db-" + o.database().label()
          + " (log-digest reads Chronik's data dirs only)");
      AgreementRecord.amendUnchecked(runDir, "db-" + o.database().label());
    } else if (recovered) {
      // after the final reads, with every node up: the replicas' committed logs must be identical
      ReplicaAgreement.Result agreement = replicas.checkAndRecord(runDir, console);
      if (agreement != null && !agreement.agree()) {
        verdict = Verdict.INVALID;
      }
    } else {
      console.println("chronik test: replicas not-checked reason=cluster-not-recovered");
      AgreementRecord.amendUnchecked(runDir, "cluster-not-recovered");
    }
    return verdict;
  }

  /**
   * The lazy file system under every data dir when a selected fault needs it (lose-unsynced). Its
   * classes come from this JVM's class path: lab hosts share this machine's file system.
   */
  private static Optional<LazyDataDir> lazyDataDir(RunOptions o, SshHosts ssh, String java) {
    boolean needed = FaultRegistry.select(o.faultsOrDefault(), o.site()).stream().anyMatch(f -> f.needsLazyDataDir());
    return needed ? Optional.of(new LazyDataDir(ssh, java, System.getProperty("java.class.path"))) : Optional.empty();
  }

  /**
   * How often brokers must re-read their fake clock: the most often any selected clock fault needs
   * (a strobe needs every read), or empty when no selected fault needs one.
   */
  static Optional<FakeClock.Refresh> fakeClockRefresh(RunOptions o) {
    return FaultRegistry.select(o.faultsOrDefault(), o.site()).stream().map(Fault::fakeClock).flatMap(Optional::stream)
        .max(Comparator.naturalOrder());
  }

  /** {@code spec} started under libfaketime; refuses before anything is installed if the library is missing. */
  private static DbSpec fakeClockSpec(DbSpec spec, FakeClock.Refresh refresh, PrintStream console) {
    String problem = FakeClock.problem();
    if (problem != null) {
      throw new IllegalStateException(problem + " needed-by=clock-faults");
    }
    console.printf("chronik test: brokers under libfaketime clock-file=conf/faketime refresh=%s%n",
        refresh.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    return FakeClock.wrap(spec, refresh);
  }

  /** Whether every node came back and every partition has a leader within the recovery wait. */
  private static boolean recovered(RemoteCluster remote, LeaderLookup leaders, String topic, int partitions,
      PrintStream console) throws InterruptedException {
    try {
      remote.awaitHealthy(RECOVERY);
      leaders.await(topic, partitions, RECOVERY);
      return true;
    } catch (RuntimeException e) {
      console.printf("chronik test: recovery=failed reason=%s%n", e.getMessage());
      return false;
    }
  }

  /** Lab brokers serve metrics on the default admin port of their own address. */
  private static java.util.Map<String, java.net.URI> metricsUris(HostCluster cluster) {
    java.util.Map<String, java.net.URI> uris = new java.util.LinkedHashMap<>();
    for (Host h : cluster.hosts()) {
      uris.put(h.name(), java.net.URI.create("http://" + h.address().getHostAddress() + ":" + ADMIN_PORT + "/metrics"));
    }
    return uris;
  }
}
