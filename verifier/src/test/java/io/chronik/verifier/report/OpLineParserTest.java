package io.chronik.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.parser.Parsers;

class OpLineParserTest {
  static Object edn(String s) {
    return Parsers.newParser(Parsers.defaultConfiguration()).nextValue(Parsers.newParseable(s));
  }

  @Test
  void agreesWithEdnJavaOnOpLinesAndFallsBackOnTheRest() {
    List<String> lines = List.of(
        "{:index 0, :time 12, :type :invoke, :process 0, :f :send, :value [[:send 0 1]]}",
        "{:index 1 :type :ok :process 0 :f :poll :value [[:poll {0 [[0 1] [1 -2]], 3 []}]]}",
        "{:type :info, :process :nemesis, :f :start-partition, :value nil, :error \"timed out\"}",
        "{:type :ok, :process 1, :f :read, :value #{1 2}}",
        "{:type :ok, :process 1, :f :read, :value 1.5, :x true, :y false}",
        "{:type :ok, :process 1, :f :read, :value 123456789012345678901234, :s \"a\\\"b\"}",
        "{:type :ok, :process 1, :f :read, :value (1 2 \\c), :tag #inst \"2020-01-01T00:00:00Z\"}",
        "{:type :ok, :process 1, :f :txn, :value [[:r :x nil] [:w foo/bar -]]}");
    OpLineParser p = new OpLineParser();
    for (String line : lines) {
      assertThat(p.parse(line)).as(line).isEqualTo(edn(line));
    }
  }

  @Test
  void agreesWithEdnJavaOnEveryFixtureLine() throws IOException {
    OpLineParser p = new OpLineParser();
    try (Stream<Path> files = Files.walk(Path.of("..", "histories", "fixtures"))) {
      for (Path f : files.filter(x -> x.toString().endsWith(".edn") && !x.endsWith("expected.edn")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank() && !line.startsWith(";")) {
            assertThat(p.parse(line)).as(f + ": " + line).isEqualTo(edn(line));
          }
        }
      }
    }
  }
}
