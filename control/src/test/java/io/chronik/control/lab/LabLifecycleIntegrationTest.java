package io.chronik.control.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.control.FileWait;
import io.chronik.control.db.DbLifecycle;
import io.chronik.control.db.DbSpec;
import io.chronik.control.db.LabTestServer;
import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Cidr;
import io.chronik.control.host.GuardViolation;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.nemesis.Corruption;
import io.chronik.control.nemesis.Grudge;
import io.chronik.control.nemesis.PacketShaper;
import io.chronik.control.nemesis.Partitioner;
import io.chronik.control.proxy.PeerLinks;
import io.chronik.control.ssh.ExecResult;
import io.chronik.control.ssh.RemoteCommandFailed;
import io.chronik.control.ssh.SshHosts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole control stack against a real 3-node lab: namespaces, sshds, SSH/SFTP, a real daemon
 * through the DB lifecycle, iptables partitions checked by real TCP connections between namespaces,
 * corruption, and a teardown that leaves nothing behind. Skipped (with the reason) when not root or
 * when network namespaces are unavailable; in CI ({@code CI=true}) that fails instead.
 */
@Tag("integration")
class LabLifecycleIntegrationTest {
  private static final String NAME = "ckit";
  private static final Cidr SUBNET = Cidr.parse("198.18.101.0/24");
  private static final int PORT = 7070;

  @TempDir Path logs;

  @Test
  void labHostsRunTheDbLifecyclePartitionsAndTearDownWithoutTrace() throws Exception {
    Prerequisites.requireLab();
    StaleTestLabs.removeOrphans("chronik-lab-it-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-it-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    List<Long> sshdPids;
    List<Long> serverPids = new java.util.ArrayList<>();
    try {
      Inventory inventory = lab.up(3, SUBNET);
      assertThat(inventory.hosts()).extracting(Host::name).containsExactly("n1", "n2", "n3");
      assertThatThrownBy(() -> new Lab(dir.resolveSibling(dir.getFileName() + "-b"), "ckiu").up(1, Cidr.parse("198.18.101.128/25")))
          .isInstanceOf(LabException.class).hasMessageContaining("reason=subnet-already-routed");
      sshdPids = inventory.hosts().stream()
          .map(h -> LabTeardown.livePid(Path.of(h.homeDir()).getParent().resolve("sshd.pid"), "sshd_config").orElseThrow())
          .toList();

      AddressGuard guard = new AddressGuard(inventory, false);
      try (SshHosts ssh = new SshHosts(inventory, guard, Duration.ofSeconds(3), 2)) {
        for (Host h : inventory.hosts()) {
          assertThat(ssh.run(h, "ip -4 -o addr show dev eth0").stdout()).contains(h.address().getHostAddress() + "/24");
        }
        Host n1 = inventory.host("n1");
        Host n2 = inventory.host("n2");
        Host n3 = inventory.host("n3");
        assertThatThrownBy(() -> ssh.run(n1, "echo oops >&2; exit 3"))
            .isInstanceOf(RemoteCommandFailed.class).hasMessageContaining("host=n1").hasMessageContaining("exit=3")
            .hasMessageContaining("stderr=oops");

        DbLifecycle db = new DbLifecycle(ssh, guard, testServerSpec());
        for (Host h : inventory.hosts()) {
          db.install(h);
          serverPids.add(db.start(h));
        }
        for (Host h : inventory.hosts()) {
          db.awaitHealthy(h, Duration.ofSeconds(30));
          assertThat(echo(h, "hello", Duration.ofSeconds(5))).contains("echo hello");
        }

        long killed = db.pid(n1).orElseThrow();
        db.kill(n1);
        assertThat(db.pid(n1)).isEmpty();
        assertThat(running(killed)).isFalse();
        assertThat(db.healthy(n1, Duration.ofSeconds(1))).isFalse();
        long restarted = db.start(n1);
        serverPids.add(restarted);
        assertThat(restarted).isNotEqualTo(killed);
        db.awaitHealthy(n1, Duration.ofSeconds(30));

        db.pause(n2);
        long paused = db.pid(n2).orElseThrow();
        assertThat(ssh.run(n2, "awk '{print $3}' /proc/" + paused + "/stat").stdout().strip()).isEqualTo("T");
        assertThat(echo(n2, "while-paused", Duration.ofMillis(700))).isEmpty();
        db.resume(n2);
        assertThat(echo(n2, "resumed", Duration.ofSeconds(5))).contains("echo resumed");

        long before = db.pid(n3).orElseThrow();
        db.stop(n3);
        assertThat(db.pid(n3)).isEmpty();
        serverPids.add(db.start(n3));
        db.awaitHealthy(n3, Duration.ofSeconds(30));
        assertThat(db.pid(n3).orElseThrow()).isNotEqualTo(before);

        Partitioner partitioner = new Partitioner(ssh, inventory.hosts());
        assertConnects(ssh, n2, n1);
        partitioner.partition(Grudge.isolate(List.of("n1", "n2", "n3"), "n1"));
        assertBlocked(ssh, n2, n1);
        assertBlocked(ssh, n1, n3);
        assertConnects(ssh, n2, n3);
        assertThat(db.healthy(n1, Duration.ofSeconds(2))).as("control node is never partitioned").isTrue();
        assertThat(ssh.run(n1, "iptables -S").stdout()).contains("-A " + Partitioner.CHAIN + " -s " + n2.address().getHostAddress());
        partitioner.heal();
        partitioner.heal();
        assertThat(ssh.run(n1, "iptables -S").stdout()).doesNotContain(Partitioner.CHAIN);
        assertConnects(ssh, n2, n1);

        // client cut: the control node's (clients') connections to n1 drop, a peer and SSH still pass
        Inet4Address client = Cidr.parseLiteral(ssh.run(n1, "echo \"${SSH_CLIENT%% *}\"").stdout().strip());
        partitioner.dropClients(n1, client, PORT);
        assertThat(echo(n1, "cut", Duration.ofSeconds(1), 1000)).as("clients cut from n1").isEmpty();
        assertConnects(ssh, n2, n1);
        assertThat(ssh.run(n1, "echo ssh-still-works").stdout()).contains("ssh-still-works");
        partitioner.heal();
        assertThat(echo(n1, "reconnected", Duration.ofSeconds(5))).contains("echo reconnected");

        // packet loss measured from outside: a connect fails within 250 ms exactly when its SYN is dropped
        partitioner.dropRandomly(n1, 0.2);
        int attempts = 200;
        double lost = (double) failedConnects(n1, attempts) / attempts;
        assertThat(ssh.run(n1, "echo ssh-spared").stdout()).contains("ssh-spared");
        partitioner.heal();
        assertThat(lost).as("share of connects lost with loss 0.2 set (binomial sd 0.028)").isBetween(0.10, 0.30);
        assertThat(failedConnects(n1, 50)).as("no loss once healed").isZero();

        // bandwidth measured from outside: n1 sends 4 MB (base64 of 3 MB) to the control node over SSH
        PacketShaper limiter = new PacketShaper(ssh);
        int kbit = 8_000;
        limiter.limitRate(n1, n2, kbit);
        long startNanos = System.nanoTime();
        int bytes = ssh.run(n1, "head -c 3000000 /dev/urandom | base64 -w0", Duration.ofSeconds(60)).stdout().length();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        limiter.clear(n1, n2);
        double measuredKbit = bytes * 8 / 1000.0 / seconds;
        System.out.printf("lab measured: connects-lost=%.3f (loss 0.2 set, %d attempts) rate-kbit=%.0f (%d set)%n",
            lost, attempts, measuredKbit, kbit);
        assertThat(measuredKbit).as("kbit/s n1 sent with %d set (%d bytes in %.2f s)", kbit, bytes, seconds)
            .isBetween(kbit * 0.6, kbit * 1.05);
        assertThat(ssh.run(n1, "tc qdisc show dev eth0").stdout()).doesNotContain("tbf");

        // peer-link latency and slow close measured from outside: n2's round trips to n1's server, then
        // how late n2 sees the end of a link whose server was killed
        PeerLinks links = new PeerLinks(ssh, guard);
        long direct = medianRoundTripMillis(ssh, n2, n1);
        assertThat(links.delay(List.of(n1, n2), PORT, client, 100, 0)).contains("delay-ms=100");
        long delayed = medianRoundTripMillis(ssh, n2, n1);
        links.heal(List.of(n1, n2));
        assertThat(medianRoundTripMillis(ssh, n2, n1)).as("direct again once healed").isLessThan(direct + 50);
        links.delay(List.of(n1, n2), PORT, client, 0, 3_000);
        long late = closeSeenLateMillis(ssh, db, n2, n1);
        links.heal(List.of(n1, n2));
        serverPids.add(db.start(n1));
        db.awaitHealthy(n1, Duration.ofSeconds(30));
        System.out.printf("lab measured: peer-rtt-ms direct=%d delayed=%d (100 each way) close-seen-late-ms=%d (3000)%n",
            direct, delayed, late);
        assertThat(delayed - direct).as("added round trip through the delay proxy, ms").isBetween(180L, 320L);
        assertThat(late).as("end of the link seen after the server died, ms").isBetween(2_700L, 4_500L);
        assertThat(ssh.run(n2, "iptables -S; iptables -t nat -S").stdout()).doesNotContain(PeerLinks.NAT_CHAIN)
            .doesNotContain(PeerLinks.RESET_CHAIN);

        db.stop(n3);
        String dataFile = db.dataDir(n3) + "/lines.log";
        long sizeBefore = Files.size(Path.of(dataFile));
        byte[] bytesBefore = Files.readAllBytes(Path.of(dataFile));
        Corruption corruption = new Corruption(ssh);
        assertThat(corruption.flipByte(n3, db.dataDir(n3), new Random(1))).contains("file=./lines.log");
        assertThat(Files.readAllBytes(Path.of(dataFile))).hasSize(bytesBefore.length).isNotEqualTo(bytesBefore);
        corruption.truncateTail(n3, db.dataDir(n3), new Random(2), 100);
        assertThat(Files.size(Path.of(dataFile))).isLessThan(sizeBefore);
        serverPids.add(db.start(n3));
        db.awaitHealthy(n3, Duration.ofSeconds(30));

        PacketShaper shaper = new PacketShaper(ssh);
        if (shaper.supported(n1)) {
          shaper.shape(n1, n2, 20, 5, 0.0);
          shaper.clear(n1, n2);
        } else {
          assertThatThrownBy(() -> shaper.shape(n1, n2, 20, 5, 0.0)).isInstanceOf(PacketShaper.Unsupported.class)
              .hasMessageContaining("reason=netem-unsupported-by-kernel");
        }

        db.collectLogs(n1, logs);
        assertThat(Files.readString(logs.resolve("n1/logs/labtest.log"))).contains("listening " + n1.address().getHostAddress());
        for (Host h : inventory.hosts()) {
          db.stop(h);
        }
        db.wipe(n1);
        assertThat(Path.of(db.dataDir(n1)).toFile().list()).isEmpty();
      }
      assertThatThrownBy(() -> new SshHosts(inventory, guard).run(
          new Host("n9", Cidr.parseLiteral("192.0.2.77"), "root", 22, Optional.empty(), Optional.empty(), false,
              io.chronik.control.host.ServiceManager.PIDFILE, "/tmp", Optional.empty()), "true"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not-in-inventory");
      assertThatThrownBy(() -> guard.check("192.0.2.2")).isInstanceOf(GuardViolation.class);
    } finally {
      lab.down();
    }
    assertThat(lab.down()).singleElement().asString().contains("nothing to remove");
    assertThat(LabTeardown.namespaces()).noneMatch(ns -> ns.startsWith(NAME + "-"));
    assertThat(LocalCommand.run("ip", "link", "show", NAME + "-br").ok()).isFalse();
    assertThat(LocalCommand.run("iptables", "-w", "-n", "-L", "CKIT-LAB").ok()).isFalse();
    assertThat(LocalCommand.run("iptables", "-w", "-S", "FORWARD").stdout()).doesNotContain("CKIT-LAB");
    for (long pid : sshdPids) {
      assertThat(running(pid)).as("sshd pid %s", pid).isFalse();
    }
    for (long pid : serverPids) {
      assertThat(running(pid)).as("server pid %s", pid).isFalse();
    }
    assertThat(dir).doesNotExist();
  }

  private static DbSpec testServerSpec() throws URISyntaxException {
    Path classFile = Path.of(LabTestServer.class.getResource("LabTestServer.class").toURI());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new DbSpec("labtest",
        List.of(new DbSpec.Upload(classFile, "lib/io/chronik/control/db/LabTestServer.class")),
        java + " -Xmx64m -XX:TieredStopAtLevel=1 -cp @HOME@/lib io.chronik.control.db.LabTestServer @ADDRESS@ " + PORT
            + " @HOME@/data",
        PORT, Map.of("labtest.properties", "node=@HOST@\n"));
  }

  /** Sends one line and returns the reply, or "" if none arrives within {@code timeout}. */
  private static String echo(Host host, String line, Duration timeout) throws IOException {
    return echo(host, line, timeout, 2000);
  }

  private static String echo(Host host, String line, Duration timeout, int connectMillis) throws IOException {
    try (Socket s = new Socket()) {
      try {
        s.connect(new InetSocketAddress(host.address(), PORT), connectMillis);
      } catch (SocketTimeoutException e) {
        return "";
      }
      s.setSoTimeout((int) timeout.toMillis());
      s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String reply = in.readLine();
      return reply == null ? "" : reply;
    } catch (SocketTimeoutException e) {
      return "";
    }
  }

  /**
   * A real TCP connect from inside {@code from}'s namespace to {@code to}'s server port (bash's
   * /dev/tcp, clean environment, 3 s timeout), run with {@code ip netns exec} so no login shell
   * start-up counts against the timeout. Exit 0 connected, 124 timed out (packets dropped).
   */
  private static int connectFrom(SshHosts ssh, Host from, Host to) {
    return LocalCommand.run(Duration.ofSeconds(15), List.of("ip", "netns", "exec", from.netns().orElseThrow(),
        "env", "-i", "timeout", "3", "/bin/bash", "--noprofile", "--norc", "-c",
        "exec 3<>/dev/tcp/" + to.address().getHostAddress() + "/" + PORT)).exitCode();
  }

  /** Waits (deadline 20 s) until {@code from} can connect to {@code to}; fails with the last exit code. */
  private static void assertConnects(SshHosts ssh, Host from, Host to) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int exit;
    do {
      exit = connectFrom(ssh, from, to);
    } while (exit != 0 && System.nanoTime() < deadline);
    if (exit != 0) {
      String diagnostics = ssh.exec(from, "ip neigh; iptables -S; ss -tan", Duration.ofSeconds(15)).stdout()
          + "\n--- " + to.name() + "\n" + ssh.exec(to, "ip neigh; iptables -S; ss -tan; ip -s link show eth0",
          Duration.ofSeconds(15)).stdout() + "\n--- bridge\n" + LocalCommand.run("bridge", "link").stdout()
          + LocalCommand.run("iptables", "-S").stdout();
      assertThat(exit).as("connect %s -> %s; diagnostics:%n%s", from.name(), to.name(), diagnostics).isZero();
    }
  }

  /** Connects from this machine to {@code host}'s test server {@code attempts} times; how many timed out in 250 ms. */
  private static int failedConnects(Host host, int attempts) throws IOException {
    int failed = 0;
    for (int i = 0; i < attempts; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host.address(), PORT), 250);
      } catch (SocketTimeoutException e) {
        failed++;
      }
    }
    return failed;
  }

  private static void assertBlocked(SshHosts ssh, Host from, Host to) {
    assertThat(connectFrom(ssh, from, to)).as("connect %s -> %s must time out", from.name(), to.name()).isEqualTo(124);
  }

  /**
   * True while the process exists and is not a zombie. A SIGKILLed daemon stays a zombie until its
   * parent (here the sandbox's pid 1) reaps it, and ProcessHandle.isAlive counts zombies as alive.
   */
  /** Median of 7 line round trips from {@code from} to {@code to}'s server, timed inside {@code from}. */
  private static long medianRoundTripMillis(SshHosts ssh, Host from, Host to) {
    String out = ssh.run(from, "exec 3<>/dev/tcp/" + to.address().getHostAddress() + "/" + PORT
        + "; for i in 1 2 3 4 5 6 7; do t0=$(date +%s%N); echo rtt$i >&3; read -r l <&3; t1=$(date +%s%N);"
        + " echo $(( (t1 - t0) / 1000000 )); done; exec 3<&-", Duration.ofSeconds(30)).stdout();
    long[] ms = out.lines().mapToLong(Long::parseLong).sorted().toArray();
    assertThat(ms).hasSize(7);
    return ms[3];
  }

  /**
   * Opens a link from {@code from} to {@code to}'s server, kills the server and returns how long after
   * the kill {@code from} saw the link end (both clocks are this machine's).
   */
  private static long closeSeenLateMillis(SshHosts ssh, DbLifecycle db, Host from, Host to) throws Exception {
    // lab hosts share this machine's file system: the reader marks in its home that it connected and was answered
    Path answered = Path.of(from.homeDir(), "close-probe.answered");
    java.nio.file.Files.deleteIfExists(answered);
    java.util.concurrent.CompletableFuture<String> reader = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> ssh.run(from, "exec 3<>/dev/tcp/" + to.address().getHostAddress() + "/" + PORT
            + "; echo hi >&3; read -r l <&3; echo answered > " + io.chronik.control.host.Shell.quote(answered.toString())
            + "; cat <&3 >/dev/null; echo $(( $(date +%s%N) / 1000000 ))", Duration.ofSeconds(30)).stdout().strip());
    FileWait.until(answered, content -> content.startsWith("answered"), Duration.ofSeconds(30),
        () -> reader.isDone() ? "reader-ended-before-the-kill output=" + reader.join() : null);
    db.kill(to);
    long killed = System.currentTimeMillis();
    return Long.parseLong(reader.get(30, java.util.concurrent.TimeUnit.SECONDS)) - killed;
  }

  private static boolean running(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (java.io.IOException gone) {
      return false;
    }
  }
}
