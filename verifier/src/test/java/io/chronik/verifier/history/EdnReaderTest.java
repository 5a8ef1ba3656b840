package io.chronik.verifier.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.TaggedValue;
import us.bpsm.edn.parser.Parsers;

class EdnReaderTest {
  static Object ednJava(String s) {
    return Parsers.newParser(Parsers.defaultConfiguration()).nextValue(Parsers.newParseable(s));
  }

  static List<Object> forms(String text) throws IOException {
    EdnReader r = new EdnReader(new StringReader(text), "<test>");
    List<Object> out = new ArrayList<>();
    while (r.peek() >= 0) {
      out.add(r.readForm());
    }
    return out;
  }

  static Object form(String text) throws IOException {
    List<Object> f = forms(text);
    assertThat(f).hasSize(1);
    return f.get(0);
  }

  @Test
  void readsOpLinesAsEdnJavaDoes() throws IOException {
    List<String> lines = List.of(
        "{:index 0, :time 12, :type :invoke, :process 0, :f :send, :value [[:send 0 1]]}",
        "{:index 1 :type :ok :process 0 :f :poll :value [[:poll {0 [[0 1] [1 -2]], 3 []}]]}",
        "{:type :info, :process :nemesis, :f :start-partition, :value nil, :error \"timed out\"}",
        "{:type :ok, :process 1, :f :read, :value #{1 2}}",
        "{:type :ok, :process 1, :f :read, :value 1.5, :x true, :y false, :z -2.5e3}",
        "{:type :ok, :process 1, :f :read, :value 123456789012345678901234, :s \"a\\\"b\\n\"}",
        "{:type :ok, :process 1, :f :read, :value (1 2 \\c \\newline), :tag #inst \"2020-01-01T00:00:00Z\"}",
        "{:type :ok, :process 1, :f :txn, :value [[:r :x nil] [:w foo/bar -]], :ns/key 7N}",
        "{:u #uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\", :big 9223372036854775807, :neg -9223372036854775808}");
    for (String line : lines) {
      assertThat(form(line)).as(line).isEqualTo(ednJava(line));
    }
  }

  @Test
  void readsEveryFixtureLineAsEdnJavaDoes() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("..", "histories", "fixtures", "kafka"))) {
      for (Path f : files.filter(x -> x.toString().endsWith(".edn") && !x.endsWith("expected.edn")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank() && !line.startsWith(";")) {
            assertThat(form(line)).as(f + ": " + line).isEqualTo(ednJava(line));
          }
        }
      }
    }
  }

  @Test
  void readsRatiosBigNumbersSymbolicValuesAndTags() throws IOException {
    assertThat(form("1/3")).isEqualTo(new Ratio(BigInteger.ONE, BigInteger.valueOf(3)));
    assertThat(form("-22/7")).isEqualTo(new Ratio(BigInteger.valueOf(-22), BigInteger.valueOf(7)));
    assertThat(form("12N")).isEqualTo(BigInteger.valueOf(12));
    assertThat(form("+5")).isEqualTo(5L);
    assertThat(form("1.5M")).isEqualTo(new java.math.BigDecimal("1.5"));
    assertThat(form("##Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(form("#uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\""))
        .isEqualTo(UUID.fromString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
    assertThat(form("#inst \"2020-01-01T00:00:00.000-00:00\"")).isEqualTo(new java.util.Date(1577836800000L));
    assertThat(form("#my/tag [1]")).isInstanceOf(TaggedValue.class);
    assertThat(form("#jepsen.history.Op{:index 3, :f :read}"))
        .isEqualTo(Map.of(Keyword.newKeyword("index"), 3L, Keyword.newKeyword("f"), Keyword.newKeyword("read")));
  }

  @Test
  void skipsCommentsDiscardsAndCommasAcrossLines() throws IOException {
    assertThat(forms("; a comment\n{:a 1 ; trailing\n :b #_ ignored 2}\n#_{:gone 1}\n, #{:x}"))
        .containsExactly(Map.of(Keyword.newKeyword("a"), 1L, Keyword.newKeyword("b"), 2L),
            Set.of(Keyword.newKeyword("x")));
  }

  @Test
  void namesLineColumnAndSurroundingTextOfMalformedInput() {
    assertThatThrownBy(() -> forms("{:a 1}\n{:b [1 2}\n"))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining("file=<test> line=2 column=9")
        .hasMessageContaining("reason=malformed-edn problem=unmatched-delimiter")
        .hasMessageContaining("near=\"");
    assertThatThrownBy(() -> forms("{:a 1}\n  {:b \"open"))
        .hasMessageContaining("reason=malformed-edn problem=unclosed-string opened-line=2 opened-column=7");
    assertThatThrownBy(() -> forms("{:a 1 :a 2}")).hasMessageContaining("line=1 column=7 reason=malformed-edn problem=duplicate-map-key");
    assertThatThrownBy(() -> forms("1/0")).hasMessageContaining("problem=bad-number");
    assertThatThrownBy(() -> forms("[".repeat(EdnReader.MAX_DEPTH + 1))).hasMessageContaining("problem=nesting-too-deep");
  }

  @Test
  void keepsTrackOfLinesAcrossBufferRefills() {
    String ok = "{:k \"" + "x".repeat(100_000) + "\"}\n";
    assertThatThrownBy(() -> forms(ok + ok + "{:k @}"))
        .hasMessageContaining("line=3 column=5 reason=malformed-edn problem=bad-symbol");
  }
}
