package io.chronik.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and report output of the kafka/queue entry point behind {@code chronik check}. */
class HistoryChecksTest {
  static final Path KAFKA = Path.of("..", "histories", "fixtures", "kafka");
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String model, Path file, Path report, boolean finalReads) {
    return HistoryChecks.command(model, file, report, finalReads, new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void exitCodesAreZeroValidOneInvalidTwoUnknownThreeBadInput() throws Exception {
    assertThat(run("kafka", KAFKA.resolve("valid-basic.edn"), null, true)).isEqualTo(0);
    assertThat(run("kafka", KAFKA.resolve("lost-write.edn"), null, false)).isEqualTo(1);
    assertThat(run("kafka", KAFKA.resolve("unseen.edn"), null, false)).isEqualTo(0);
    assertThat(run("kafka", KAFKA.resolve("unseen.edn"), null, true)).isEqualTo(1);
    assertThat(run("kafka", KAFKA.resolve("no-reads-unknown.edn"), null, false)).isEqualTo(2);
    assertThat(run("queue", Path.of("..", "histories", "fixtures", "queue", "lost.edn"), null, false)).isEqualTo(1);
    assertThat(run("kafka", dir.resolve("missing.edn"), null, false)).isEqualTo(3);
    Path garbage = Files.writeString(dir.resolve("garbage.edn"), "{:type :ok, :process 0, :f :send, :value [[:send :x 1]]}\n"
        + "{:type :invoke :process 0 :f :send\n");
    assertThat(run("kafka", garbage, null, false)).isEqualTo(3);
    assertThat(err.toString()).contains("reason=");
    assertThat(out.toString()).contains("lost-write 1");
  }

  @Test
  void reportOptionWritesTheReport() throws Exception {
    assertThat(run("kafka", KAFKA.resolve("G1a.edn"), dir.resolve("out"), false)).isEqualTo(1);
    assertThat(dir.resolve("out").resolve("report.html")).exists();
    assertThat(Files.readString(dir.resolve("out").resolve("results.edn"))).contains(":valid? false", ":G1a");
  }

  @Test
  void checkCommandRoutesKafkaAndQueueModelsHere() {
    picocli.CommandLine cli = new picocli.CommandLine(new io.chronik.verifier.cli.CheckCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    Path report = dir.resolve("cli");
    assertThat(cli.execute("--model", "kafka", KAFKA.resolve("poll-skip.edn").toString(), "--report", report.toString()))
        .isEqualTo(1);
    assertThat(report.resolve("report.html")).exists();
    assertThat(cli.execute("--model", "kafka", "--final-reads", KAFKA.resolve("unseen.edn").toString())).isEqualTo(1);
    assertThat(cli.execute("--model", "kafka", KAFKA.resolve("unseen.edn").toString())).isEqualTo(0);
    assertThat(cli.execute("--model", "queue", Path.of("..", "histories", "fixtures", "queue", "valid.edn").toString()))
        .isEqualTo(0);
  }
}
