package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik test --hosts lab:3 --db kafka --faults kill}: Apache Kafka 4.4.0 installed on the lab
 * hosts (jars resolved into the cache, KRaft formatted once, started from the pid-file lifecycle), the
 * workload and kill -9 faults of the same seed as against Chronik, a checked VALID verdict and a report,
 * Kafka's log collected, nothing left running. Tagged soak, not integration: about 3 minutes (lab, 54 MB of
 * jars uploaded, stops), and on a fresh machine it first resolves Kafka's jars from Maven Central.
 */
@Tag("soak")
class KafkaRunIntegrationTest {
  private static final String NAME = "ckaf";
  private static final Cidr SUBNET = Cidr.parse("198.18.106.0/24");

  @TempDir Path runs;

  @Test
  void apacheKafkaUnderKillsEndsWithACheckedValidVerdictAndAReport() throws Exception {
    Prerequisites.requireLab();
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-ckaf-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-ckaf-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    try {
      lab.up(3, SUBNET);
      ChronikProcess.Run run = ChronikProcess.run(runs, Duration.ofMinutes(4), "test", "--hosts", "lab:3",
          "--lab-dir", dir.toString(), "--db", "kafka", "--faults", "kill", "--time", "30", "--seed", "11");
      String console = run.console();
      assertThat(run.exitCode()).as("VALID; console:%n%s", console).isZero();
      assertThat(console).contains("db=kafka version=4.4.0", "verdict=VALID", "final reads complete",
          "replicas not-checked reason=db-kafka");
      assertThat(run.dir().resolve("report.html")).exists();
      assertThat(Files.readString(run.dir().resolve("history.edn"))).contains(":start-kill");
      assertThat(Files.readString(run.dir().resolve("nodes/n1/logs/kafka.log"))).contains("Kafka Server started");
    } finally {
      lab.down();
    }
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(dir).doesNotExist();
  }
}
