package io.chronik.control.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaJarsTest {
  @TempDir Path dir;

  private final PrintStream console = new PrintStream(new ByteArrayOutputStream());

  @Test
  void aFolderHoldingTheSameVersionFillsTheCacheOnceWithoutMaven() throws Exception {
    Path seed = Files.createDirectories(dir.resolve("peer"));
    Files.writeString(seed.resolve(KafkaJars.BROKER_JAR), "broker");
    Files.writeString(seed.resolve("kafka-clients-4.4.0.jar"), "clients");
    Path cache = dir.resolve("cache/4.4.0/libs");
    KafkaJars jars = new KafkaJars(cache, List.of(dir.resolve("absent"), seed), "/nonexistent/mvn");
    assertThat(jars.resolve(console)).extracting(p -> p.getFileName().toString())
        .containsExactly("kafka-clients-4.4.0.jar", KafkaJars.BROKER_JAR);
    assertThat(cache.resolve(KafkaJars.COMPLETE)).content().contains("from=" + seed);
    Files.delete(seed.resolve(KafkaJars.BROKER_JAR));
    assertThat(jars.resolve(console)).hasSize(2);
  }

  @Test
  void noSeedAndNoMavenFailsWithTheReasonAndLeavesNoHalfCache() {
    Path cache = dir.resolve("cache/4.4.0/libs");
    KafkaJars jars = new KafkaJars(cache, List.of(dir.resolve("absent")), dir.resolve("no-mvn").toString());
    assertThatThrownBy(() -> jars.resolve(console)).hasMessageContaining("reason=kafka-jars-unavailable")
        .hasMessageContaining("error=not-runnable");
    assertThat(cache).doesNotExist();
  }

  /**
   * The pom Maven resolves the jars from must parse: a "--" inside its comment ("chronik test --db kafka")
   * made every Maven run fail with a ModelParseException, unseen while the cache was seeded by the bench
   * peer's folder (found on a new machine, 2026-12-07).
   */
  @Test
  void theShippedPomIsWellFormedXml() throws Exception {
    try (java.io.InputStream pom = KafkaJars.class.getResourceAsStream("/kafka/pom.xml")) {
      assertThat(pom).isNotNull();
      org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom);
      assertThat(doc.getDocumentElement().getTagName()).isEqualTo("project");
    }
  }
}
