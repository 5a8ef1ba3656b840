package io.chronik.control.workload.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.verifier.recorder.KafkaMicroOps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The line protocol between a client process and the control node: what one side writes, the other reads. */
class ClientWireTest {
  private static final String WHERE = "client=p1 process=0 line=3";

  @Test
  void anInvocationWithExtraKeysReadsBackAsWritten() {
    ClientMessage invoke = ClientMessage.invoke(KafkaMicroOps.ASSIGN, KafkaMicroOps.keys(0, 1, 2),
        Map.of(KafkaMicroOps.SEEK_TO_BEGINNING, true));
    String line = ClientWire.encode(invoke);
    assertThat(line).isEqualTo("{:type :invoke :f :assign :value[0 1 2]:seek-to-beginning? true}");
    assertThat(ClientWire.decode(line, WHERE)).isEqualTo(invoke);
  }

  @Test
  void completionsCarryTheirValueAndErrorAndStayOnOneLine() {
    ClientMessage ok = ClientMessage.completion(ClientMessage.Type.OK, KafkaMicroOps.POLL,
        List.of(KafkaMicroOps.polled(Map.of(2L, List.of(new long[] {4, 7}, new long[] {5, 9})))), null);
    assertThat(ClientWire.encode(ok)).isEqualTo("{:type :ok :f :poll :value[[:poll{2[[4 7][5 9]]}]]}");
    assertThat(ClientWire.decode(ClientWire.encode(ok), WHERE)).isEqualTo(ok);

    ClientMessage info = ClientMessage.completion(ClientMessage.Type.INFO, KafkaMicroOps.SEND,
        List.of(KafkaMicroOps.send(1, 7)), "Timeout \"after\" 15 s\nretries=0");
    String line = ClientWire.encode(info);
    assertThat(line).doesNotContain("\n");
    assertThat(ClientWire.decode(line, WHERE)).isEqualTo(info);
  }

  @Test
  void aLineThatIsNotEdnIsRefusedNamingTheClientLineAndText() {
    assertThatThrownBy(() -> ClientWire.decode("{:type :ok :f :send :value [[:send 1 [4 7]]", WHERE))
        .isInstanceOf(ClientProtocolException.class)
        .hasMessageStartingWith("client=p1 process=0 line=3 reason=malformed-line problem=")
        .hasMessageContaining("reason=malformed-edn problem=unclosed-vector")
        .hasMessageEndingWith("text=\"{:type :ok :f :send :value [[:send 1 [4 7]]\"");
    assertThatThrownBy(() -> ClientWire.decode("Exception in thread \"main\" java.lang.OutOfMemoryError", WHERE))
        .isInstanceOf(ClientProtocolException.class).hasMessageContaining("reason=");
  }

  @Test
  void wellFormedEdnThatIsNotAReportIsRefusedWithItsReason() {
    assertThat(refusal("[:send 1 2]")).contains("reason=not-a-map");
    assertThat(refusal("{:type :ok :f :send :value nil} 7")).contains("reason=trailing-text-after-map");
    assertThat(refusal("{:type :done :f :send :value nil}")).contains("reason=unknown-type type=:done");
    assertThat(refusal("{:type :ok :f \"send\" :value nil}")).contains("reason=f-missing-or-not-a-keyword");
    assertThat(refusal("{:type :ok :f :send}")).contains("reason=value-missing");
    assertThat(refusal("{:type :invoke :f :send :value nil :error \"x\"}")).contains("reason=invoke-with-error");
    assertThat(refusal("{:type :ok :f :send :value nil :seek-to-beginning? true}"))
        .contains("reason=extra-keys-on-completion");
    assertThat(refusal("{:type :ok :f :send :value nil \"k\" 1}")).contains("reason=key-not-a-keyword");
  }

  @Test
  void everyRefusalNamesWhereItHappened() {
    for (String bad : List.of("", "{", "{:type :ok}", "nil", "{:type :ok :f :send :value nil} {}")) {
      assertThat(refusal(bad)).as("refusal of \"%s\"", bad).startsWith(WHERE + " reason=").contains("text=\"");
    }
  }

  private static String refusal(String line) {
    try {
      ClientWire.decode(line, WHERE);
    } catch (ClientProtocolException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + line);
  }
}
