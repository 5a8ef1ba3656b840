package io.chronik.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.EdnHistoryWriter;
import io.chronik.verifier.kafka.KafkaHistoryGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Too little heap ends in an UNKNOWN verdict (exit 2) that says so, never in an OutOfMemoryError: a
 * single-key search whose memo grows without end (kv c50-ok checked as one map, 50 concurrent
 * clients) in a 64 MiB heap with no time limit, and a Kafka history larger than a 32 MiB heap. Each
 * runs {@code chronik check} in a forked JVM ({@link SoakCheck}).
 */
class CheckMemoryTest {
  record Forked(int code, String out, String err) {}

  static Forked check(Path dir, String heap, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), SoakCheck.class.getName()));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    int code = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
    return new Forked(code, Files.readString(out), Files.readString(err));
  }

  @Test
  void searchThatFillsTheHeapEndsUnknownNotOutOfMemory(@TempDir Path dir) throws Exception {
    Forked r = check(dir, "64m", CheckCommandTest.porcupine("kv/c50-ok.txt").toString(),
        "--format", "porcupine-kv", "--model", "key-value", "--no-partition", "--timeout", "0", "--threads", "1");
    assertThat(r.err()).as(r.out()).doesNotContain("OutOfMemoryError");
    assertThat(r.code()).as("out=%s err=%s", r.out(), r.err()).isEqualTo(2);
    assertThat(r.out()).startsWith("verdict=UNKNOWN").contains("unknown stopped-by=memory decided=0/1");
  }

  @Test
  void kafkaHistoryLargerThanTheHeapEndsUnknownWithTheRemedy(@TempDir Path dir) throws Exception {
    Path history = dir.resolve("kafka.edn");
    try (EdnHistoryWriter w = EdnHistoryWriter.create(history)) {
      new KafkaHistoryGenerator(42, 16, 8, op -> {
        try {
          w.write(op);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).run(100_000);
    }
    Forked r = check(dir, "32m", history.toString(), "--model", "kafka");
    assertThat(r.err()).as(r.out()).doesNotContain("OutOfMemoryError");
    assertThat(r.code()).as("out=%s err=%s", r.out(), r.err()).isEqualTo(2);
    assertThat(r.err()).contains("verdict=UNKNOWN").contains("reason=out-of-memory heap-max-mb=")
        .contains("CHRONIK_JAVA_OPTS=-Xmx");
  }
}
