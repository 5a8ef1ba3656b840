package io.chronik.control.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.cluster.Distribution;
import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.host.ServiceManager;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.run.HostCluster;
import io.chronik.control.ssh.SshHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM path of the DB lifecycle without a VM: a lab host (its own network namespace and sshd, but
 * this machine's file system) declared {@code service=systemd}, so {@link DbLifecycle#install} really
 * uploads the .deb over SFTP, runs {@code dpkg -i} over SSH (maintainer scripts and all) and writes
 * the run's drop-in; {@code systemd-analyze verify} then checks the installed unit together with that
 * drop-in (and is shown to read drop-ins at all); the broker starts from the installed files with
 * the drop-in's own ExecStart and environment, run over SSH on the host (systemd is not PID 1 here,
 * so this stands in for {@code systemctl start}) and listens on the host's address; teardown removes
 * the drop-in. Not exercised: {@code systemctl start/stop}, MainPID and the sandbox under a real
 * systemd. Needs root, the lab, dpkg-deb and systemd-analyze: skipped without them locally, a
 * failure in CI.
 */
@Tag("integration")
class PackagedServiceIntegrationTest {
  /** This test's own lab: no other test uses the name, directory or subnet. */
  private static final String LAB_NAME = "m2lab";
  private static final Path LAB_DIR = Path.of("/var/tmp/m2lab");
  private static final Cidr SUBNET = Cidr.parse("198.18.113.0/24");
  private static final int KAFKA_PORT = 9092;

  @TempDir
  Path dir;

  @Test
  void aSystemdHostGetsThePackageAndARestartNoDropInThatSystemdAcceptsAndTeardownRemoves() throws Exception {
    Prerequisites.require(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    Prerequisites.require("root".equals(System.getProperty("user.name")), "dpkg -i needs root");
    Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb missing");
    Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "systemd-analyze missing (apt-get install systemd)");
    Prerequisites.requireLab();
    Prerequisites.require(!Files.exists(Path.of("/usr/share/chronik")) && !Files.exists(Path.of("/var/lib/chronik")),
        "a chronik package is already installed here; not touching it");
    Run built = run(List.of(Distribution.ROOT.resolve("broker/src/dist/package.sh").toString(), dir.toString()));
    assertThat(built.exit()).as(built.output()).isZero();
    Path deb;
    try (var files = Files.list(dir)) {
      deb = files.filter(p -> p.toString().endsWith(".deb")).findFirst().orElseThrow();
    }
    Lab lab = new Lab(LAB_DIR, LAB_NAME);
    lab.down(); // leftovers of an interrupted earlier run
    try {
      Inventory labHosts = lab.up(1, SUBNET);
      Host n1 = labHosts.hosts().get(0);
      Host vm = new Host(n1.name(), n1.address(), n1.user(), n1.sshPort(), n1.privateKey(), n1.knownHosts(),
          n1.sudo(), ServiceManager.SYSTEMD, n1.homeDir(), n1.netns());
      Inventory inventory = new Inventory(List.of(vm), labHosts.subnets());
      AddressGuard guard = new AddressGuard(inventory, false);
      HostCluster cluster = new HostCluster(List.of(vm), KAFKA_PORT, KAFKA_PORT + 1);
      List<String> jvm = List.of("-ea", "-Xmx256m");
      DbSpec spec = cluster.dbSpec("java", jvm, List.of(), 1).withPackage(cluster.packaged(deb, jvm, 1));
      try (SshHosts ssh = new SshHosts(inventory, guard)) {
        DbLifecycle db = new DbLifecycle(ssh, guard, spec);
        db.install(vm);
        assertThat(run(List.of("dpkg-query", "-W", "-f=${Status}", "chronik")).output())
            .isEqualTo("install ok installed");
        assertThat(run(List.of("getent", "passwd", "chronik")).exit()).as("postinst ran over SSH").isZero();
        String dropIn = Files.readString(Path.of(RunDropIn.PATH));
        String address = vm.address().getHostAddress();
        assertThat(dropIn).contains("\nRestart=no\n", "\nExecStart=\n", "ExecStart=" + RunDropIn.LAUNCHER,
            "\"node.id=0\"", "\"listener.host=" + address + "\"", "\"data.dir=" + vm.homeDir() + "/data\"",
            "\"cluster.nodes=" + cluster.clusterNodes() + "\"", "Environment=\"CHRONIK_JAVA_OPTS=-ea -Xmx256m\"");

        Run verify = run(List.of("systemd-analyze", "verify", "/lib/systemd/system/chronik.service"));
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).doesNotContain("chronik.service").doesNotContain(RunDropIn.FILE);
        // the check bites: verify reads the drop-in directory (a bad key there is reported)
        Path probe = Path.of(RunDropIn.DIR, "zz-probe.conf");
        Files.writeString(probe, "[Service]\nNoSuchDirective=1\n");
        try {
          assertThat(run(List.of("systemd-analyze", "verify", "/lib/systemd/system/chronik.service")).output())
              .contains("zz-probe.conf").contains("NoSuchDirective");
        } finally {
          Files.delete(probe);
        }

        startAsTheDropInSays(ssh, db, vm, dropIn);
        assertThat(Files.exists(Path.of(vm.homeDir(), "data", "cluster.id"))).as("data in the run's data dir").isTrue();

        db.teardown(vm);
        assertThat(Files.exists(Path.of(RunDropIn.PATH))).isFalse();
        assertThat(Files.exists(Path.of(RunDropIn.LAUNCHER))).as("the package stays").isTrue();
      }
    } finally {
      lab.down();
      run(List.of("rm", "-rf", RunDropIn.DIR));
      run(List.of("dpkg", "--purge", "chronik"));
      run(List.of("rm", "-rf", "/var/lib/chronik", "/etc/chronik"));
      run(List.of("userdel", "chronik"));
    }
  }

  /**
   * Runs the drop-in's ExecStart with its CHRONIK_JAVA_OPTS on the host over SSH (its words are
   * double-quoted without {@code $} or {@code %}, so a shell reads them as systemd does), waits until
   * the broker accepts connections on the host's address, then stops it by its pid.
   */
  private static void startAsTheDropInSays(SshHosts ssh, DbLifecycle db, Host vm, String dropIn) {
    String exec = dropIn.lines().filter(l -> l.startsWith("ExecStart=/")).findFirst().orElseThrow()
        .substring("ExecStart=".length());
    String env = dropIn.lines().filter(l -> l.startsWith("Environment=")).findFirst().orElseThrow()
        .substring("Environment=".length());
    String pid = ssh.run(vm, "cd " + vm.homeDir() + " || exit 1; mkdir -p logs; export " + env + "; setsid nohup "
        + exec + " >>logs/chronik.log 2>&1 </dev/null & echo $!").stdout().strip();
    try {
      db.awaitHealthy(vm, Duration.ofSeconds(90));
    } finally {
      ssh.run(vm, "kill " + pid + "; i=0; while kill -0 " + pid + " 2>/dev/null && [ $i -lt 300 ]; do i=$((i+1)); "
          + "sleep 0.1; done; ! kill -0 " + pid + " 2>/dev/null");
    }
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new Run(p.exitValue(), out);
  }
}
