package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** librdkafka via kcat (Debian package {@code kcat}); skipped when kcat is not installed. */
@Tag("integration")
class KcatTest {
  @TempDir
  static Path data;
  @TempDir
  static Path work;
  static BrokerProcess broker;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(new File("/usr/bin/kcat").canExecute(), "kcat not installed (apt-get install -y kcat)");
    broker = BrokerProcess.start(data, 0);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static String run(List<String> cmd, Path stdin) throws Exception {
    Path out = Files.createTempFile(work, "kcat", ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(work.resolve("kcat.err").toFile());
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kcat finished").isTrue();
    assertThat(p.exitValue()).as("kcat exit; stderr=" + Files.readString(work.resolve("kcat.err"))).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  @Test
  void keyedMessagesProducedByKcatComeBackByteIdentical() throws Exception {
    Random random = new Random(42);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      sb.append("key").append(random.nextInt(100)).append(':').append("value-").append(i).append('-')
          .append(Long.toHexString(random.nextLong())).append('\n');
    }
    Path input = work.resolve("messages.txt");
    Files.writeString(input, sb.toString(), StandardCharsets.UTF_8);
    // Auto-created topic (librdkafka asks Metadata to create it), 1 partition: total order preserved.
    run(List.of("kcat", "-P", "-b", broker.bootstrap(), "-t", "kcat-topic", "-K:", "-z", "snappy",
        "-X", "linger.ms=10", "-l", input.toString()), null);
    String consumed = run(List.of("kcat", "-C", "-b", broker.bootstrap(), "-t", "kcat-topic", "-o",
        "beginning", "-e", "-q", "-f", "%k:%s\\n"), null);
    assertThat(consumed).isEqualTo(sb.toString());
  }

  @Test
  void metadataListingShowsBrokerAndTopics() throws Exception {
    ProduceConsumeTest.createTopic(broker.bootstrap(), "listed", 3);
    String listing = run(new ArrayList<>(List.of("kcat", "-L", "-b", broker.bootstrap())), null);
    assertThat(listing).contains("broker 1 at 127.0.0.1:" + broker.port())
        .contains("topic \"listed\" with 3 partitions")
        .contains("partition 2, leader 1, replicas: 1, isrs: 1");
  }
}
