package io.chronik.verifier.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.bpsm.edn.Keyword;

class EdnHistoryRoundTripTest {

  static final Keyword READ = Keyword.newKeyword("read");
  static final Keyword CAS = Keyword.newKeyword("cas");

  @Test
  void writtenHistoryReadsBackEqual(@TempDir Path dir) throws Exception {
    List<Op> ops = List.of(
        Op.invoke(0, CAS, List.of(1L, 2L)).withIndex(0).withTime(10),
        Op.named(OpType.INVOKE, Op.NEMESIS, Keyword.newKeyword("partition"), Map.of(Keyword.newKeyword("n1"), Set.of("a")))
            .withIndex(1).withTime(11),
        Op.complete(OpType.OK, 0, CAS, List.of(1L, 2L)).withIndex(2).withTime(20),
        Op.invoke(1, READ, null).withIndex(3),
        Op.complete(OpType.INFO, 1, READ, Keyword.newKeyword("timed-out")).withIndex(4)
            .withExtra(Map.of(Keyword.newKeyword("error"), List.of("boom \"quoted\"", 3.5, true))),
        Op.named(OpType.INFO, Op.NEMESIS, Keyword.newKeyword("partition"), "healed").withIndex(5));
    Path file = dir.resolve("history.edn");
    EdnHistoryWriter.write(file, ops);
    History back = EdnHistoryReader.read(file);
    assertThat(back.ops()).isEqualTo(ops);
    assertThat(back.operations()).hasSize(2);
    assertThat(back.namedOperations()).hasSize(1);
    assertThat(back.operations().get(1).isOpen()).isTrue();
    assertThat(back.operations().get(0).completionPosition()).isEqualTo(2);
    assertThat(Files.readAllLines(file).get(0)).startsWith("{:index 0");
  }

  @Test
  void readsJepsenLinesWithoutIndexOrTime() {
    History h = EdnHistoryReader.parse("""
        {:type :invoke, :f :read, :value nil, :process 0}
        ; comment

        {:type :ok, :f :read, :value 3, :process 0}
        """);
    assertThat(h.ops()).extracting(Op::index).containsExactly(0L, 1L);
    assertThat(h.ops().get(1).value()).isEqualTo(3L);
    assertThat(h.operations().get(0).output()).isEqualTo(3L);
  }

  @Test
  void writerOutputIsOneMapPerLine() throws Exception {
    StringWriter text = new StringWriter();
    try (EdnHistoryWriter w = new EdnHistoryWriter(text)) {
      w.write(Op.invoke(7, READ, null).withIndex(0).withTime(5));
    }
    assertThat(text.toString()).isEqualTo("{:index 0 :time 5 :type :invoke :process 7 :f :read :value nil}\n");
  }

  @Test
  void malformedLineNamesLineAndReason() {
    assertThatThrownBy(() -> EdnHistoryReader.parse("{:type :invoke :f :read :process 0}\n{:type :ok :f :read"))
        .isInstanceOf(HistoryException.class).hasMessageContaining("line=2").hasMessageContaining("reason=malformed-edn");
    assertThatThrownBy(() -> EdnHistoryReader.parse("{:type :done :f :read :process 0}"))
        .hasMessageContaining("reason=bad-type");
    assertThatThrownBy(() -> EdnHistoryReader.parse("[1 2]")).hasMessageContaining("reason=not-a-map");
  }

  @Test
  void pairingRejectsInvokeWhileInFlightAndOrphanCompletions() {
    assertThatThrownBy(() -> EdnHistoryReader.parse("""
        {:type :invoke :f :read :process 0}
        {:type :invoke :f :read :process 0}
        """)).hasMessageContaining("reason=invoke-while-in-flight");
    assertThatThrownBy(() -> EdnHistoryReader.parse("{:type :ok :f :read :process 0}"))
        .hasMessageContaining("reason=completion-without-invoke");
  }
}
