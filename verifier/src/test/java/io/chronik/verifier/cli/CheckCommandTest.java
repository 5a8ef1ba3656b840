package io.chronik.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.chronik.verifier.model.ModelCatalog;
import picocli.CommandLine;

class CheckCommandTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new CheckCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Path porcupine(String file) {
    for (String shared : new String[] {System.getProperty("chronik.shared"), System.getenv("CHRONIK_SHARED"), "/work/shared", "../../shared"}) {
      if (shared != null && Files.isDirectory(Paths.get(shared, "reference-histories/porcupine"))) {
        return Paths.get(shared, "reference-histories/porcupine", file);
      }
    }
    return Paths.get("../shared/reference-histories/porcupine", file);
  }

  @Test
  void linearizableHistoryExitsZero() {
    Run r = run(porcupine("jepsen/etcd_002.log").toString(), "--format", "porcupine-etcd", "--model", "cas-register");
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).startsWith("verdict=VALID");
  }

  @Test
  void illegalHistoryExitsOneAndWritesHtmlWithTheOffendingOp(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("out.html");
    Run r = run(porcupine("jepsen/etcd_000.log").toString(), "--format", "porcupine-etcd", "--model", "cas-register",
        "--html", html.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).contains("verdict=INVALID").contains("cannot-place");
    String page = Files.readString(html);
    assertThat(page).contains("<!DOCTYPE html>").contains("class=\"op lin").contains("op bad").contains("cannot be placed");
    assertThat(page).doesNotContain("<script src").doesNotContain("<link");
  }

  @Test
  void timeLimitGivesUnknownExitTwo() {
    Run r = run(porcupine("kv/c50-ok.txt").toString(), "--format", "porcupine-kv", "--model", "key-value",
        "--no-partition", "--timeout", "0.3");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out()).startsWith("verdict=UNKNOWN");
  }

  @Test
  void badInputExitsThreeWithAClearMessage(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.edn");
    Files.writeString(bad, "{:type :invoke :f :read :process 0 :value nil}\n{:type :ok :f :read :process 0 :value 1\n");
    Run malformed = run(bad.toString(), "--model", "cas-register");
    assertThat(malformed.code()).isEqualTo(3);
    assertThat(malformed.err()).contains("line=2").contains("reason=malformed-edn");

    Run missing = run(dir.resolve("nope.edn").toString(), "--model", "cas-register");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).contains("reason=no-such-file");

    Path wrongShape = dir.resolve("kv.edn");
    Files.writeString(wrongShape, "{:type :invoke :f :put :process 0 :value 3}\n{:type :ok :f :put :process 0 :value 3}\n");
    Run model = run(wrongShape.toString(), "--model", "key-value");
    assertThat(model.code()).isEqualTo(3);
    assertThat(model.err()).contains("reason=value-not-[key value]");

    Run unknownModel = run(wrongShape.toString(), "--model", "nonsense");
    assertThat(unknownModel.code()).isEqualTo(3);
    assertThat(unknownModel.err()).contains("reason=unknown-model");
  }

  @Test
  void readsJepsenEdnHistoriesIgnoringTheNemesis(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("h.edn");
    Files.writeString(file, """
        {:index 0 :type :invoke :process 0 :f :write :value 1}
        {:index 1 :type :invoke :process :nemesis :f :start :value nil}
        {:index 2 :type :ok :process 0 :f :write :value 1}
        {:index 3 :type :info :process :nemesis :f :start :value "partitioned"}
        {:index 4 :type :invoke :process 1 :f :read :value nil}
        {:index 5 :type :ok :process 1 :f :read :value 2}
        """);
    Run r = run(file.toString(), "--model", "register");
    assertThat(r.code()).isEqualTo(1);
    Files.writeString(file, Files.readString(file).replace(":value 2}", ":value 1}"));
    assertThat(run(file.toString(), "--model", "register").code()).isEqualTo(0);
  }

  @Test
  void helpListsEveryRegisteredModelWithItsHelp() {
    Run r = run("--help");
    for (ModelCatalog.Entry e : ModelCatalog.ENTRIES) {
      assertThat(r.out()).contains(e.name()).contains(e.help());
    }
    assertThat(r.out()).contains("kafka").contains("queue");
  }

  @Test
  void linearizabilityResultsAreWrittenAsResultsEdnLikeTheKafkaChecker(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("h.edn");
    Files.writeString(file, """
        [{:index 0 :type :invoke :process 0 :f :write :value 1}
         {:index 1 :type :ok :process 0 :f :write :value 1}
         {:index 2 :type :invoke :process 1 :f :read :value nil}
         {:index 3 :type :ok :process 1 :f :read :value 2}]
        """);
    Run r = run(file.toString(), "--model", "register", "--report", dir.resolve("out").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    Object results = us.bpsm.edn.parser.Parsers.newParser(us.bpsm.edn.parser.Parsers.defaultConfiguration())
        .nextValue(us.bpsm.edn.parser.Parsers.newParseable(Files.readString(dir.resolve("out/results.edn"))));
    assertThat(results).isInstanceOf(java.util.Map.class);
    java.util.Map<?, ?> m = (java.util.Map<?, ?>) results;
    assertThat(m.get(kw("valid?"))).isEqualTo(false);
    assertThat(m.get(kw("model"))).isEqualTo(kw("register"));
    assertThat(m.get(kw("bad-anomaly-types"))).isEqualTo(java.util.List.of(kw("nonlinearizable")));
    assertThat(((java.util.Map<?, ?>) m.get(kw("stats"))).get(kw("partitions-undecided"))).isEqualTo(0L);
    assertThat(Files.exists(dir.resolve("out/report.html"))).isTrue();
  }

  @Test
  void unknownVerdictSaysWhatWasDecided() {
    Run r = run(porcupine("kv/c50-ok.txt").toString(), "--format", "porcupine-kv", "--model", "key-value",
        "--no-partition", "--timeout", "0.3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("unknown stopped-by=time-limit decided=0/1").contains("timeout=0.3s").contains("undecided=[all]");
  }

  static us.bpsm.edn.Keyword kw(String name) {
    return us.bpsm.edn.Keyword.newKeyword(name);
  }
}
