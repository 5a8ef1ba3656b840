package io.chronik.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.EdnHistoryWriter;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.kafka.KafkaHistoryGenerator;
import io.chronik.verifier.linearizability.IndependentRegisterGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale of {@code chronik check} itself: a 10,000,000-op history (ops = history entries, invocations
 * and completions) reaches a definite verdict in a JVM limited to a 4 GiB heap, for the Kafka checker
 * and for a jepsen.independent cas-register history (at most 1,000 ops per key, detected as
 * independent). The check runs in a forked JVM ({@link SoakCheck}, {@code -Xmx4g}) so the heap bound
 * is the one users get, not surefire's. Run with
 * {@code mvn -pl verifier test -Dchronik.groups=soak -Dchronik.excludedGroups= -Dtest=CheckSoakTest};
 * {@code -Dchronik.soak.ops=N} and {@code -Dchronik.soak.heap=2g} change the size and the heap.
 * Histories stay in verifier/target/soak/ for re-runs; figures go to the log and to
 * target/soak/*.err.
 */
@Tag("soak")
class CheckSoakTest {
  private static final Logger LOG = LoggerFactory.getLogger(CheckSoakTest.class);
  static final long HISTORY_OPS = Long.getLong("chronik.soak.ops", 10_000_000L);
  static final String HEAP = System.getProperty("chronik.soak.heap", "4g");

  record Forked(int code, String out, String err, long wallMs) {}

  @Test
  void tenMillionOpKafkaHistoryGetsADefiniteVerdictWithinTheHeap() throws Exception {
    Path file = generate("kafka", sink -> new KafkaHistoryGenerator(42, 16, 8, sink).run((int) (HISTORY_OPS / 2)));
    Forked r = check(file, "--model", "kafka", "--final-reads");
    assertThat(r.code()).as("out=%s err=%s", r.out(), r.err()).isEqualTo(0);
  }

  @Test
  void tenMillionOpIndependentRegisterHistoryGetsADefiniteVerdictWithinTheHeap() throws Exception {
    Path file = generate("independent", sink -> new IndependentRegisterGenerator(7, 10, 4, 1000, sink).run(HISTORY_OPS));
    Forked r = check(file, "--model", "cas-register");
    assertThat(r.err()).contains("independent=detected");
    assertThat(r.code()).as("out=%s err=%s", r.out(), r.err()).isEqualTo(0);
    assertThat(r.out()).startsWith("verdict=VALID");
  }

  private static Path generate(String name, Consumer<Consumer<Op>> generator) throws IOException {
    Path file = Path.of("target", "soak", name + "-" + HISTORY_OPS + ".edn");
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      long start = System.nanoTime();
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      try (EdnHistoryWriter w = EdnHistoryWriter.create(partial)) {
        generator.accept(op -> write(w, op));
      }
      Files.move(partial, file);
      LOG.warn("soak generated file={} bytes={} ms={}", file, Files.size(file), (System.nanoTime() - start) / 1_000_000);
    }
    return file;
  }

  private static Forked check(Path file, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + HEAP, "-cp", System.getProperty("java.class.path"), SoakCheck.class.getName(), file.toString()));
    cmd.addAll(List.of(args));
    Path out = Path.of(file + ".out");
    Path err = Path.of(file + ".err");
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    int code = p.waitFor();
    long wallMs = (System.nanoTime() - start) / 1_000_000;
    Forked r = new Forked(code, Files.readString(out), Files.readString(err), wallMs);
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    String figures = r.err().lines().filter(l -> l.startsWith("soak-figures")).findFirst().orElse("no-figures");
    LOG.warn("soak file={} exit={} wall-ms={} load={} {} verdict-line={}", file.getFileName(), code, wallMs, load,
        figures, r.out().lines().findFirst().orElse(""));
    return r;
  }

  private static void write(EdnHistoryWriter w, Op op) {
    try {
      w.write(op);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
