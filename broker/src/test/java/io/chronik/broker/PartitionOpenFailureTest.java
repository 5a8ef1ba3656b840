package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partition whose storage cannot open is reported (log, metric, /health), never silently skipped. */
@Tag("integration")
class PartitionOpenFailureTest {
  @TempDir
  Path dir;

  @Test
  void aPartitionThatFailsToOpenTurnsHealthRedAndIsCounted() throws Exception {
    Path raft = Files.createDirectories(dir.resolve("raft"));
    // a plain file where the partition's directory goes, whichever group id the topic gets
    for (int group = 1; group <= 8; group++) {
      Files.writeString(raft.resolve("p" + group + "-blocked-0"), "not a directory");
    }
    try (BrokerProcess broker = BrokerProcess.start(dir, 0)) {
      String admin = "http://127.0.0.1:" + broker.adminPort();
      assertThat(AdminHttp.get(admin, "/health").body()).isEqualTo("healthy=true\n");
      try (Admin client = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
        client.createTopics(List.of(new NewTopic("blocked", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      HttpResponse<String> health = Eventually.eventually("/health turns red", java.time.Duration.ofSeconds(20),
          () -> AdminHttp.get(admin, "/health"), h -> h.statusCode() != 200);
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).isEqualTo("healthy=false reason=partitions-open-failed count=1\n");
      assertThat(AdminHttp.sum(AdminHttp.get(admin, "/metrics").body(), "chronik_partitions_open_failed", ""))
          .isEqualTo(1.0);
      assertThat(broker.log()).contains("topic=blocked partition=0").contains("reason=open-failed openFailures=1");
    }
  }
}
