package io.chronik.control.workload.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.recorder.KafkaMicroOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control node's side of the wire: lines checked and recorded into the history with Jepsen's process rules. */
class ClientSessionTest {
  private static final String INVOKE = "{:type :invoke :f :send :value [[:send 1 7]]}";
  private static final String OK = "{:type :ok :f :send :value [[:send 1 [4 7]]]}";

  @TempDir Path dir;
  private final List<String> completions = new ArrayList<>();

  private List<String> recorded(HistoryRecorder recorder) throws Exception {
    recorder.flush();
    return Files.readAllLines(dir.resolve("history.edn"));
  }

  @Test
  void anInvocationIsRecordedBeforeItIsAllowedAndItsCompletionAfter() throws Exception {
    try (HistoryRecorder recorder = HistoryRecorder.open(dir.resolve("history.edn"), 3)) {
      ClientSession session = new ClientSession("p1", recorder.worker(1), ClientOps.KAFKA,
          (f, v, t) -> completions.add(f + " " + t));
      assertThat(session.accept(INVOKE)).isEqualTo(ClientWire.GO);
      assertThat(recorded(recorder)).singleElement().asString()
          .contains(":type :invoke :process 1 :f :send :value[[:send 1 7]]}");
      assertThat(session.accept(OK)).isNull();
      assertThat(recorded(recorder)).hasSize(2).last().asString()
          .contains(":type :ok :process 1 :f :send :value[[:send 1[4 7]]]}");
      assertThat(completions).containsExactly(":send OK");
      assertThat(session.process()).isEqualTo(1);
    }
  }

  @Test
  void aKilledClientsInFlightOperationIsInfoAndItContinuesAsANewProcess() throws Exception {
    try (HistoryRecorder recorder = HistoryRecorder.open(dir.resolve("history.edn"), 3)) {
      ClientSession session = new ClientSession("p1", recorder.worker(0), ClientOps.KAFKA,
          (f, v, t) -> completions.add(f + " " + t));
      session.accept(INVOKE);
      assertThat(session.ended("client-killed pid=42", false)).isEqualTo("in-flight=send");
      assertThat(recorded(recorder)).last().asString()
          .contains(":type :info :process 0 :f :send :value[[:send 1 7]]:error\"client-killed pid=42\"}");
      assertThat(session.process()).as("a crashed process never invokes again").isEqualTo(3);
      session.restarted();
      session.accept(INVOKE);
      assertThat(recorded(recorder)).last().asString().contains(":type :invoke :process 3 :f :send");
      assertThat(completions).containsExactly(":send INFO");
    }
  }

  @Test
  void aClientKilledBetweenOperationsLeavesACrashAndANewProcessId() throws Exception {
    try (HistoryRecorder recorder = HistoryRecorder.open(dir.resolve("history.edn"), 2)) {
      ClientSession session = new ClientSession("c1", recorder.worker(1), ClientOps.KAFKA, (f, v, t) -> { });
      session.accept(INVOKE);
      session.accept(OK);
      assertThat(session.ended("client-killed pid=43", false)).isEqualTo("in-flight=none");
      List<String> lines = recorded(recorder);
      assertThat(lines.get(2)).contains(":type :invoke :process 1 :f :crash :value nil}");
      assertThat(lines.get(3)).contains(":type :info :process 1 :f :crash :value nil :error\"client-killed pid=43\"}");
      assertThat(session.process()).isEqualTo(3);
    }
  }

  @Test
  void aStoppedClientIsToldSoRecordsNothingAndKeepsItsProcess() throws Exception {
    try (HistoryRecorder recorder = HistoryRecorder.open(dir.resolve("history.edn"), 1)) {
      ClientSession session = new ClientSession("p1", recorder.worker(0), ClientOps.KAFKA, (f, v, t) -> { });
      session.stop();
      assertThat(session.accept(INVOKE)).isEqualTo(ClientWire.STOP);
      assertThat(session.ended("client-exited pid=44 exit=0", true)).isEqualTo("in-flight=none");
      assertThat(recorded(recorder)).isEmpty();
      assertThat(session.process()).isZero();
    }
  }

  @Test
  void protocolViolationsAreRefusedWithTheClientLineAndReasonAndRecordNothing() throws Exception {
    try (HistoryRecorder recorder = HistoryRecorder.open(dir.resolve("history.edn"), 1)) {
      ClientSession session = new ClientSession("p2", recorder.worker(0), ClientOps.KAFKA, (f, v, t) -> { });
      assertThatThrownBy(() -> session.accept(OK)).isInstanceOf(ClientProtocolException.class)
          .hasMessageStartingWith("client=p2 process=0 line=1 type=:ok f=:send reason=completion-without-invoke");
      session.accept(INVOKE);
      assertThatThrownBy(() -> session.accept(INVOKE)).isInstanceOf(ClientProtocolException.class)
          .hasMessage("client=p2 process=0 line=3 f=:send in-flight=:send reason=invoke-while-in-flight");
      assertThatThrownBy(() -> session.accept("{:type :ok :f :poll :value []}"))
          .isInstanceOf(ClientProtocolException.class)
          .hasMessage("client=p2 process=0 line=4 f=:poll in-flight=:send reason=completion-of-another-f");
      assertThatThrownBy(() -> session.accept("ok 17 send 1 4 7")).isInstanceOf(ClientProtocolException.class)
          .hasMessageStartingWith("client=p2 process=0 line=5 reason=");
      assertThat(recorded(recorder)).as("only the one invocation").hasSize(1);
    }
  }

  @Test
  void theWorkloadsClientsSpecReadsBackFromItsArguments() {
    KafkaClientSpec spec = new KafkaClientSpec(KafkaClientSpec.Role.CONSUMER, "c2", "127.0.0.1:9092,127.0.0.1:9093",
        "chronik-log", 3, "all", 3, KafkaClientSpec.firstValue(3, 2), true, KafkaSettings.GROUP);
    assertThat(KafkaClientSpec.parse(spec.args().toArray(String[]::new))).isEqualTo(spec);
    assertThat(KafkaClientSpec.firstValue(0, 0)).isEqualTo(1_000_000_000L);
    assertThat(KafkaClientSpec.firstValue(0, 99) + KafkaClientSpec.VALUES_PER_INCARNATION)
        .as("the last incarnation's values end where the next slot's begin").isEqualTo(KafkaClientSpec.firstValue(1, 0));
    assertThatThrownBy(() -> KafkaClientSpec.firstValue(0, 100)).hasMessageContaining("reason=value-range-exhausted");
    assertThatThrownBy(() -> KafkaClientSpec.parse(new String[] {"role=producer", "colour=red"}))
        .hasMessageContaining("arg=colour=red reason=expected-key=value");
  }
}
