package io.chronik.broker.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Every call the archive makes, against a real S3 API server. */
class ArchiveClientTest {
  static S3Server server;
  static ArchiveClient client;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start("bucket");
    client = new ArchiveClient("bucket", server.endpoint(), "us-east-1", true, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void putsGetsListsAndDeletesObjects(@TempDir Path dir) throws Exception {
    client.put("a/one", "first".getBytes(StandardCharsets.UTF_8));
    Path file = Files.writeString(dir.resolve("f"), "second");
    client.put("a/two", file);
    assertThat(new String(client.get("a/one"), StandardCharsets.UTF_8)).isEqualTo("first");
    client.get("a/two", dir.resolve("copy"));
    assertThat(Files.readString(dir.resolve("copy"))).isEqualTo("second");
    assertThat(client.list("a/")).containsExactlyInAnyOrder("a/one", "a/two");
    client.delete(List.of("a/one", "a/two"));
    assertThat(client.list("a/")).isEmpty();
    assertThatThrownBy(() -> client.get("a/one")).isInstanceOf(NoSuchKeyException.class);
  }

  @Test
  void putsTheFirstBytesOfAFileAsTheyAreWithoutACopy(@TempDir Path dir) throws Exception {
    byte[] content = new byte[300_000];
    new java.util.Random(7).nextBytes(content);
    Path file = Files.write(dir.resolve("segment"), content);
    client.put("b/prefix", file, 200_001);
    assertThat(client.get("b/prefix")).isEqualTo(java.util.Arrays.copyOf(content, 200_001));
    client.put("b/whole", file, content.length);
    assertThat(client.get("b/whole")).isEqualTo(content);
    client.delete(List.of("b/prefix", "b/whole"));
  }

  @Test
  void aMissingBucketIsTheServersError() {
    try (ArchiveClient other = new ArchiveClient("no-such-bucket", server.endpoint(), "us-east-1", true,
        Duration.ofSeconds(20))) {
      assertThatThrownBy(() -> other.put("x", new byte[1])).isInstanceOf(S3Exception.class)
          .hasMessageContaining("bucket");
    }
  }
}
