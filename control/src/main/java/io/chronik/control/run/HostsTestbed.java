package io.chronik.control.run;

import io.chronik.control.db.DbLifecycle;
import io.chronik.control.db.FakeClock;
import io.chronik.control.db.LazyDataDir;
import io.chronik.control.disk.DiskErrors;
import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.BrokerClock;
import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.ReadyProbe;
import io.chronik.control.nemesis.ClientFleet;
import io.chronik.control.nemesis.ClusterMembers;
import io.chronik.control.nemesis.Corruption;
import io.chronik.control.nemesis.Grudge;
import io.chronik.control.nemesis.PacketShaper;
import io.chronik.control.nemesis.Partitioner;
import io.chronik.control.nemesis.Testbed;
import io.chronik.control.proxy.PeerLinks;
import io.chronik.control.ssh.SshHosts;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Faults on hosts reached over SSH (lab namespaces or VMs): processes through the DB lifecycle,
 * partitions and client cuts with iptables in the nemesis chain of each host.
 */
final class HostsTestbed implements Testbed {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** A restarted node replays its logs and catches up before it is ready. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  /** libfaketime re-reads its file at most 1 s late; 4 s leaves room for a loaded machine. */
  private static final Duration CLOCK_FOLLOW = Duration.ofSeconds(4);

  private final SshHosts ssh;
  private final DbLifecycle db;
  private final List<Host> hosts;
  private final Partitioner partitioner;
  private final PacketShaper shaper;
  private final Supplier<String> leader;
  private final int kafkaPort;
  private final Optional<LazyDataDir> lazy;
  private final AddressGuard guard;
  private final int adminPort;
  private final PeerLinks peerLinks;
  private final int raftPort;
  private final Optional<FakeClock> clock;
  private final ClientFleet clients;
  private final ClusterMembers members;

  /**
   * @param ready the address guard and the admin port that {@link #awaitReady} asks each host's
   *     {@code /ready} on
   */
  HostsTestbed(SshHosts ssh, DbLifecycle db, List<Host> hosts, Supplier<String> leader, int kafkaPort,
      Optional<LazyDataDir> lazy, AddressGuard guard, int adminPort, int raftPort, Optional<FakeClock> clock,
      ClientFleet clients, ClusterMembers members) {
    this.members = members;
    this.clock = clock;
    this.clients = clients;
    this.raftPort = raftPort;
    this.peerLinks = new PeerLinks(ssh, guard);
    this.lazy = lazy;
    this.guard = guard;
    this.adminPort = adminPort;
    this.ssh = ssh;
    this.db = db;
    this.hosts = List.copyOf(hosts);
    this.partitioner = new Partitioner(ssh, hosts);
    this.shaper = new PacketShaper(ssh);
    this.leader = leader;
    this.kafkaPort = kafkaPort;
  }

  /** The workload's clients run on the control node, whatever the hosts. */
  @Override
  public ClientFleet clients() {
    return clients;
  }

  /** The workload topic's replicas and the metadata voters, over the Kafka protocol (kafka-clients' Admin). */
  @Override
  public ClusterMembers members() {
    return members;
  }

  @Override
  public void kill(String node) {
    db.kill(host(node));
  }

  @Override
  public void start(String node) {
    db.start(host(node));
  }

  @Override
  public void stop(String node) {
    db.stop(host(node));
  }

  @Override
  public void awaitReady(String node) {
    try {
      ReadyProbe.await(guard, host(node).address().getHostAddress(), adminPort, READY_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("node=" + node + " reason=interrupted", e);
    }
  }

  @Override
  public void pause(String node) {
    db.pause(host(node));
  }

  @Override
  public void resume(String node) {
    db.resume(host(node));
  }

  @Override
  public String loseUnsynced(String node) {
    LazyDataDir dir = lazy.orElseThrow(() -> new UnsupportedOperationException("node=" + node
        + " reason=no-lazy-data-dir (the run mounts one only when a lose-unsynced fault is selected)"));
    db.kill(host(node));
    return dir.loseUnsynced(host(node));
  }

  /** Refuses while the broker runs: a live broker would overwrite or cache what is damaged. */
  @Override
  public String corrupt(String node, long seed) {
    Host h = host(node);
    if (db.pid(h).isPresent()) {
      throw new IllegalStateException("node=" + node + " reason=corrupt-while-running");
    }
    return new Corruption(ssh).damageGroupFile(h, db.dataDir(h), new Random(seed));
  }

  @Override
  public String diskErrors(String node, DiskErrors mode) {
    LazyDataDir dir = lazy.orElseThrow(() -> new UnsupportedOperationException("node=" + node
        + " reason=no-lazy-data-dir (the run mounts one only when a disk fault is selected)"));
    return dir.diskErrors(host(node), mode);
  }

  @Override
  public boolean running(String node) {
    return db.pid(host(node)).isPresent();
  }

  /**
   * Sets the offset, then reads the broker's clock from outside (its admin server's Date header) until
   * it follows (libfaketime caches the file up to 1 s) or 4 s passed: the answer says what the broker
   * read, {@code offset=+137 broker-clock=+137}.
   */
  @Override
  public String clockOffset(String node, long seconds) {
    String set = fakeClock(node).set(host(node), seconds);
    try {
      return set + " broker-clock=" + BrokerClock.await(guard, address(node), adminPort, seconds, CLOCK_FOLLOW);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("node=" + node + " reason=interrupted", e);
    }
  }

  /** Starts the strobe, then samples the broker's clock from outside for 1.5 s: the offsets it read. */
  @Override
  public String clockStrobe(String node, long a, long b, long periodMillis) {
    String started = fakeClock(node).strobe(host(node), a, b, periodMillis);
    try {
      return started + " broker-clock-seen=" + BrokerClock.sample(guard, address(node), adminPort,
          Duration.ofMillis(1_500), Duration.ofMillis(Math.max(20, periodMillis / 3)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("node=" + node + " reason=interrupted", e);
    }
  }

  private String address(String node) {
    return host(node).address().getHostAddress();
  }

  private FakeClock fakeClock(String node) {
    return clock.orElseThrow(() -> new UnsupportedOperationException("node=" + node
        + " reason=no-fake-clock (the run starts brokers under libfaketime only when a clock fault is selected)"));
  }

  /**
   * As every testbed's, after switching every lazy data dir's disk errors off and every fake clock back
   * to +0 with its strobe stopped (a fault's heal may have been skipped).
   */
  @Override
  public void healAll(List<String> nodes) {
    if (lazy.isPresent()) {
      for (String n : nodes) {
        diskErrors(n, DiskErrors.OFF);
      }
    }
    if (clock.isPresent()) {
      for (String n : nodes) {
        // no read-back: a broker another fault killed would hold the final heal for the whole wait
        clock.get().set(host(n), 0);
      }
    }
    Testbed.super.healAll(nodes);
  }

  /** The data dir only: the node's log keeps what it did before the loss (collected with the others). */
  @Override
  public void wipe(String node) {
    db.wipeData(host(node));
  }

  @Override
  public void partition(Grudge grudge) {
    partitioner.partition(grudge);
  }

  /**
   * The clients run on the control node, so they reach each host from the address its SSH
   * sessions come from ({@code $SSH_CLIENT}: the lab's bridge address, or the control node's address
   * or NAT on VMs); only that address's Kafka traffic is dropped, so SSH keeps working.
   */
  @Override
  public void cutFromClients(List<String> nodes) {
    for (String node : nodes) {
      Host h = host(node);
      partitioner.dropClients(h, clientAddress(h), kafkaPort);
    }
  }

  private Inet4Address clientAddress(Host h) {
    String seen = ssh.run(h, "echo \"${SSH_CLIENT%% *}\"", TIMEOUT).stdout().strip();
    try {
      return Cidr.parseLiteral(seen);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("host=" + h.name() + " ssh-client=" + seen + " reason=client-address-unknown", e);
    }
  }

  @Override
  public void dropPackets(List<String> nodes, double probability) {
    for (String node : nodes) {
      partitioner.dropRandomly(host(node), probability);
    }
  }

  @Override
  public void limitBandwidth(List<String> nodes, int kbit) {
    for (String node : nodes) {
      Host h = host(node);
      shaper.limitRate(h, peerOf(h), kbit);
    }
  }

  /** The proxies listen where the hosts reach the control node: the address their SSH sessions come from. */
  @Override
  public String delayPeerLinks(List<String> nodes, long delayMillis, long closeDelayMillis) {
    List<Host> targets = nodes.stream().map(this::host).toList();
    return peerLinks.delay(targets, raftPort, clientAddress(targets.get(0)), delayMillis, closeDelayMillis);
  }

  /**
   * Partitions, cuts and loss live in the nemesis chain; rate limits in the root qdisc towards the
   * peers; peer-link delays in the delay chains and the control node's proxies.
   */
  @Override
  public void healNetwork() {
    partitioner.heal();
    peerLinks.heal(hosts);
    if (hosts.size() > 1) {
      for (Host h : hosts) {
        shaper.clear(h, peerOf(h));
      }
    }
  }

  /** Another node: the interface that reaches it is the one peer and client traffic leaves by. */
  private Host peerOf(Host h) {
    return hosts.stream().filter(other -> other != h).findFirst().orElseThrow(
        () -> new IllegalStateException("host=" + h.name() + " reason=no-peer (shaping needs 2 nodes)"));
  }

  @Override
  public String leader() {
    return leader.get();
  }

  private Host host(String name) {
    return ssh.inventory().host(name);
  }
}
