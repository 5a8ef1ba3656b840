package io.chronik.verifier.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.Tag;
import us.bpsm.edn.TaggedValue;

class EdnHistoryReaderTest {
  static final Keyword WRITE = Keyword.newKeyword("write");

  @Test
  void duplicateIndexIsAnErrorNamingBothOps() {
    assertThatThrownBy(() -> EdnHistoryReader.parse("""
        {:index 4 :type :invoke :f :write :process 0 :value 1}
        {:index 4 :type :ok :f :write :process 0 :value 1}
        """)).isInstanceOf(HistoryException.class)
        .hasMessageContaining("line=2 column=1 reason=duplicate-index index=4 previous-index=4 previous-line=1");
  }

  @Test
  void decreasingIndexIsAnErrorNamingBothOps() {
    assertThatThrownBy(() -> EdnHistoryReader.parse("""
        [{:index 7 :type :invoke :f :write :process 0 :value 1}

         {:index 3 :type :ok :f :write :process 0 :value 1}]
        """)).hasMessageContaining("line=3 column=2 reason=decreasing-index index=3 previous-index=7 previous-line=1");
  }

  @Test
  void missingIndexFollowsThePreviousOne() {
    History h = EdnHistoryReader.parse("""
        {:index 10 :type :invoke :f :write :process 0 :value 1}
        {:type :ok :f :write :process 0 :value 1}
        """);
    assertThat(h.ops()).extracting(Op::index).containsExactly(10L, 11L);
  }

  @Test
  void loneNemesisInfosAndNonIntegerProcessesAreNamedOperationsNeverClientOnes() {
    History h = EdnHistoryReader.parse("""
        {:type :info :process :nemesis :f :start :value nil}
        {:type :invoke :process 0 :f :write :value 1}
        {:type :invoke :process "nemesis" :f :kill :value nil}
        {:type :invoke :process :nemesis :f :stop :value nil}
        {:type :ok :process 0 :f :write :value 1}
        {:type :info :process nemesis :f :stop :value nil}
        """);
    assertThat(h.operations()).hasSize(1);
    assertThat(h.namedOperations()).extracting(o -> o.invoke().f().getName()).containsExactly("start", "kill", "stop");
    Operation lone = h.namedOperations().get(0);
    assertThat(lone.invoke()).isSameAs(lone.completion());
  }

  @Test
  void valuesOfEveryEdnTypeRoundTrip(@TempDir Path dir) throws Exception {
    Object value = Arrays.asList(null, true, 1L, new BigInteger("123456789012345678901234567890"), 2.5,
        new Ratio(BigInteger.ONE, BigInteger.valueOf(3)), "s\"\n", 'c', Keyword.newKeyword("ns", "k"),
        Set.of(1L), Map.of(Keyword.newKeyword("a"), List.of()), new Date(1764842400000L),
        UUID.fromString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
        TaggedValue.newTaggedValue(Tag.newTag("my", "tag"), 5L));
    List<Op> ops = List.of(Op.invoke(0, WRITE, value).withIndex(0),
        Op.complete(OpType.OK, 0, WRITE, value).withIndex(1).withExtra(Map.of(Keyword.newKeyword("w"), value)));
    Path file = dir.resolve("h.edn");
    EdnHistoryWriter.write(file, ops);
    assertThat(EdnHistoryReader.read(file).ops()).isEqualTo(ops);
  }
}
