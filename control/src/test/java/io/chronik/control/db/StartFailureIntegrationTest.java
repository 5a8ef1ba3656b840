package io.chronik.control.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import io.chronik.control.ssh.SshHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that does not come up on a lab host leaves what a person needs: real JVMs started through
 * the DB lifecycle over SSH on a 1-node lab ({@code cdsf}, 198.18.126.0/24), one rejecting a JVM
 * option under libfaketime's preload, one crashing on an OutOfMemoryError. The lifecycle's
 * exception carries the server's stderr, its exit status (recorded by the start script, the server's
 * parent), the preload and the crash file's head, and the collected logs keep the same.
 */
@Tag("integration")
class StartFailureIntegrationTest {
  private static final String NAME = "cdsf";
  private static final Cidr SUBNET = Cidr.parse("198.18.126.0/24");
  private static final int PORT = 7071;
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  /** Far longer than a dead server takes to be noticed (the exit check runs every 2 s). */
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

  private static Path dir;
  private static Lab lab;
  private static Inventory inventory;

  @TempDir Path logs;

  @BeforeAll
  static void labUp() throws Exception {
    Prerequisites.requireLab();
    Prerequisites.require(FakeClock.problem() == null, "libfaketime missing: " + FakeClock.problem());
    StaleTestLabs.removeOrphans("chronik-lab-cdsf-", NAME);
    dir = Path.of("/var/tmp/chronik-lab-cdsf-" + ProcessHandle.current().pid());
    lab = new Lab(dir, NAME);
    inventory = lab.up(1, SUBNET);
  }

  @AfterAll
  static void labDown() throws Exception {
    if (lab == null) {
      return;
    }
    lab.down();
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(dir).doesNotExist();
  }

  @Test
  void aServerThatDiesAtStartUnderTheClockPreloadLeavesItsStderrAndExitStatus() throws Exception {
    Path classFile = Path.of(LabTestServer.class.getResource("LabTestServer.class").toURI());
    DbSpec spec = FakeClock.wrap(new DbSpec("badoption",
        List.of(new DbSpec.Upload(classFile, "lib/io/chronik/control/db/LabTestServer.class")),
        JAVA + " -XX:+ChronikNoSuchOption -cp @HOME@/lib io.chronik.control.db.LabTestServer @ADDRESS@ " + PORT
            + " @HOME@/data", PORT, Map.of()), FakeClock.Refresh.SECOND);

    String message = failedStart(spec);

    assertThat(message).contains("host=n1", "db=badoption", "exit-status=1", "process-state=gone",
        "Unrecognized VM option 'ChronikNoSuchOption'", "ld-preload=" + FakeClock.LIBRARY, "ld-preload-file=present",
        "faketime-offset=+0", "hs-err=none");
    Path collected = logs.resolve("n1/logs");
    assertThat(Files.readString(collected.resolve("badoption.log"))).contains("Unrecognized VM option");
    assertThat(Files.readString(collected.resolve("badoption-failure.txt"))).contains("exit-status=1")
        .contains("ld-preload=" + FakeClock.LIBRARY);
  }

  @Test
  void aJvmCrashLeavesItsExitStatusAndCrashFileInTheExceptionAndTheCollectedLogs() throws Exception {
    String hog = "public class Hog { public static void main(String[] a) {"
        + " java.util.List<byte[]> l = new java.util.ArrayList<>(); while (true) { l.add(new byte[1 << 20]); } } }\n";
    DbSpec spec = new DbSpec("crash", List.of(), JAVA + " -Xmx24m -XX:+CrashOnOutOfMemoryError -XX:-CreateCoredumpOnCrash"
        + " @HOME@/conf/Hog.java", PORT, Map.of("Hog.java", hog));

    String message = failedStart(spec);

    // CrashOnOutOfMemoryError aborts the JVM; without a core dump its abort ends in exit(1)
    assertThat(message).contains("host=n1", "db=crash", "exit-status=1", "ld-preload=none", "hs-err=logs/hs_err_pid",
        "hs-err-head=", "fatal error: OutOfMemory");
    try (Stream<Path> files = Files.list(logs.resolve("n1/logs"))) {
      List<Path> crashFiles = files.filter(p -> p.getFileName().toString().startsWith("hs_err_pid")).toList();
      assertThat(crashFiles).hasSize(1);
      assertThat(Files.readString(crashFiles.get(0))).contains("OutOfMemory");
    }
  }

  /** Installs and starts {@code spec} on n1, expects it never to be healthy, collects its logs; the exception's message. */
  private String failedStart(DbSpec spec) {
    Host n1 = inventory.host("n1");
    AddressGuard guard = new AddressGuard(inventory, false);
    try (SshHosts ssh = new SshHosts(inventory, guard)) {
      DbLifecycle db = new DbLifecycle(ssh, guard, spec, Duration.ofSeconds(5));
      db.install(n1);
      db.wipe(n1);
      long started = System.nanoTime();
      Throwable failure = catchThrowable(() -> {
        db.start(n1);
        db.awaitHealthy(n1, HEALTH_TIMEOUT);
      });
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(failure).isInstanceOf(DbException.class);
      System.out.println("start failure after " + took.toMillis() + " ms: " + failure.getMessage());
      assertThat(took).as("a dead server is noticed, not waited for").isLessThan(HEALTH_TIMEOUT.dividedBy(2));
      assertThat(db.pid(n1)).isEmpty();
      db.collectLogs(n1, logs);
      return failure.getMessage();
    }
  }
}
