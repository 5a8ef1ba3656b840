package io.chronik.control.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.FileWait;
import io.chronik.control.cluster.Distribution;
import io.chronik.control.lab.Prerequisites;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The production package for real: broker/src/dist/package.sh builds the tarball and the .deb; the unit
 * passes {@code systemd-analyze verify}; {@code dpkg -i} runs the maintainer scripts (system user, data
 * dir owned by it, mode 0750, config readable by the group only); the broker starts from the installed
 * files as that user (setpriv: systemd is not PID 1 here) and serves /health; every file the user owns
 * afterwards is under the data dir; the installed {@code chronik admin health} (on PATH) says healthy
 * while it runs and exits 1 once it stopped; {@code dpkg -r} leaves the data dir. Needs root, dpkg and
 * systemd-analyze: skipped without them locally, a failure in CI.
 */
@Tag("integration")
class PackageIntegrationTest {
  private static final Path DATA = Path.of("/var/lib/chronik");

  @TempDir
  Path dir;

  @Test
  void debInstallsRunsTheBrokerAsItsUserInsideTheSandboxPathsAndRemovalKeepsTheData() throws Exception {
    Prerequisites.require(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    Prerequisites.require("root".equals(System.getProperty("user.name")), "dpkg -i needs root");
    Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb missing");
    Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "systemd-analyze missing (apt-get install systemd)");
    Prerequisites.require(!Files.exists(Path.of("/usr/share/chronik")) && !Files.exists(DATA),
        "a chronik package is already installed here; not touching it");
    Run built = run(List.of(Distribution.ROOT.resolve("broker/src/dist/package.sh").toString(), dir.toString()));
    assertThat(built.exit()).as(built.output()).isZero();
    Path deb;
    try (var files = Files.list(dir)) {
      deb = files.filter(p -> p.toString().endsWith(".deb")).findFirst().orElseThrow();
    }
    Run tar = run(List.of("tar", "-tzf", dir.resolve("chronik-" + version() + ".tar.gz").toString()));
    assertThat(tar.output()).contains("chronik-" + version() + "/bin/chronik-broker",
        "chronik-" + version() + "/config/chronik.properties", "chronik-" + version() + "/systemd/chronik.service",
        "chronik-" + version() + "/lib/chronik-broker-" + version() + ".jar",
        "chronik-" + version() + "/doc/grafana-dashboard.json", "chronik-" + version() + "/bin/chronik",
        "chronik-" + version() + "/lib/chronik-control-" + version() + ".jar",
        "chronik-" + version() + "/lib/chronik-verifier-" + version() + ".jar");
    try {
      Run install = run(List.of("dpkg", "-i", deb.toString()));
      assertThat(install.exit()).as(install.output()).isZero();
      Run verify = run(List.of("systemd-analyze", "verify", "/lib/systemd/system/chronik.service"));
      assertThat(verify.exit()).as(verify.output()).isZero();
      assertThat(verify.output()).doesNotContain("chronik.service:");
      assertThat(run(List.of("getent", "passwd", "chronik")).output()).contains("/var/lib/chronik")
          .contains("nologin");
      assertThat(run(List.of("stat", "-c", "%U:%G %a", DATA.toString())).output().trim()).isEqualTo("chronik:chronik 750");
      assertThat(run(List.of("stat", "-c", "%U:%G %a", "/etc/chronik/chronik.properties")).output().trim())
          .isEqualTo("root:chronik 640");

      int kafka = freePort();
      int admin = freePort();
      Path log = dir.resolve("broker.log");
      Process broker = new ProcessBuilder("setpriv", "--reuid=chronik", "--regid=chronik", "--init-groups",
          "/usr/share/chronik/bin/chronik-broker", "--config", "/etc/chronik/chronik.properties",
          "--set", "listener.host=127.0.0.1", "--set", "listener.port=" + kafka,
          "--set", "admin.host=127.0.0.1", "--set", "admin.port=" + admin)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        awaitLine(log, "chronik broker listening port=" + kafka, broker);
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + admin + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).isEqualTo("healthy=true\n");
        assertThat(Files.readString(log)).contains("INFO").doesNotContain("DEBUG");
        Run healthy = run(List.of("/usr/bin/chronik", "admin", "health", "--bootstrap", "127.0.0.1:" + kafka,
            "--exit-when-healthy", "--timeout", "30"));
        assertThat(healthy.exit()).as(healthy.output()).isZero();
        assertThat(healthy.output()).contains("healthy=true")
            .contains("address=127.0.0.1:" + kafka + " reachable=true");
      } finally {
        broker.destroy();
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).as("graceful stop on SIGTERM").isTrue();
      }
      Run down = run(List.of("/usr/bin/chronik", "admin", "health", "--bootstrap", "127.0.0.1:" + kafka,
          "--request-timeout", "2"));
      assertThat(down.exit()).as(down.output()).isEqualTo(1);
      assertThat(down.output()).contains("healthy=false");
      assertThat(Files.exists(DATA.resolve("cluster.id"))).isTrue();
      // the unit's ReadWritePaths: what the user wrote outside /tmp (PrivateTmp) is all under the data dir
      Run owned = run(List.of("find", "/", "-xdev", "-user", "chronik", "-not", "-path", "/tmp/*",
          "-not", "-path", "/var/tmp/*", "-not", "-path", "/proc/*"));
      for (String path : owned.output().lines().toList()) {
        assertThat(path).as("file written by the chronik user").startsWith(DATA.toString());
      }

      Run remove = run(List.of("dpkg", "-r", "chronik"));
      assertThat(remove.exit()).as(remove.output()).isZero();
      assertThat(Files.exists(Path.of("/usr/share/chronik/bin/chronik-broker"))).isFalse();
      assertThat(Files.exists(Path.of("/usr/bin/chronik"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(Files.exists(DATA.resolve("cluster.id"))).as("dpkg -r keeps the data").isTrue();
    } finally {
      run(List.of("dpkg", "--purge", "chronik"));
      run(List.of("rm", "-rf", DATA.toString(), "/etc/chronik"));
      run(List.of("userdel", "chronik"));
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

  private static String version() throws IOException {
    String pom = Files.readString(Distribution.ROOT.resolve("pom.xml"));
    int start = pom.indexOf("<version>") + "<version>".length();
    return pom.substring(start, pom.indexOf("</version>", start));
  }

  private static void awaitLine(Path log, String line, Process p) throws Exception {
    FileWait.until(log, content -> content.contains(line), Duration.ofSeconds(60),
        () -> p.isAlive() ? null : "broker-exited code=" + p.exitValue());
  }

  private static int freePort() throws IOException {
    return io.chronik.control.run.LoopbackPorts.take();
  }
}
