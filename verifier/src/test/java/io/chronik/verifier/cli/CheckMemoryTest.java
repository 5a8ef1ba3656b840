package io.chronik.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single-key search too large for the heap ends UNKNOWN with {@code stopped-by=memory}, exit 2,
 * never an OutOfMemoryError: kv c50-ok checked as one map (50 concurrent clients; its memo grows
 * without end) in a forked JVM with a 64 MiB heap and no time limit.
 */
class CheckMemoryTest {
  @Test
  void searchThatFillsTheHeapEndsUnknownNotOutOfMemory(@TempDir Path dir) throws Exception {
    Path history = CheckCommandTest.porcupine("kv/c50-ok.txt");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-cp", System.getProperty("java.class.path"), SoakCheck.class.getName(), history.toString(),
        "--format", "porcupine-kv", "--model", "key-value", "--no-partition", "--timeout", "0", "--threads", "1");
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    int code = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    assertThat(stderr).as(stdout).doesNotContain("OutOfMemoryError");
    assertThat(code).as("out=%s err=%s", stdout, stderr).isEqualTo(2);
    assertThat(stdout).startsWith("verdict=UNKNOWN").contains("unknown stopped-by=memory decided=0/1");
  }
}
