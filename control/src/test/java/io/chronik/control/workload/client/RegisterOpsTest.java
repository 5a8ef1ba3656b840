package io.chronik.control.workload.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.verifier.recorder.HistoryRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The register workload's operations on the line protocol: written by a client process, read back
 * and recorded by the control node exactly as a client thread records them; anything not in their
 * shape refused with a {@code key=value} reason naming the client, line and text.
 */
class RegisterOpsTest {
  private static final List<Object> KEY = List.of("chronik-reg-2", 1L);
  private static final String WRITE = "{:type :invoke :f :write :value[[\"chronik-reg-2\"1]1000000007]}";
  private static final String READ = "{:type :invoke :f :read :value[[\"chronik-reg-2\"1]nil]}";

  @TempDir Path dir;
  private final List<String> completions = new ArrayList<>();

  private ClientSession session(HistoryRecorder recorder) {
    return new ClientSession("r1", recorder.worker(0), RegisterOps.INSTANCE,
        (f, invoked, type) -> completions.add(f + " " + invoked + " " + type));
  }

  private List<String> recorded(HistoryRecorder recorder) throws Exception {
    recorder.flush();
    return Files.readAllLines(dir.resolve("history.edn"));
  }

  @Test
  void registerOpsAreWrittenAsOneLineEachAndReadBackAsWritten() {
    List<Object> written = List.of(KEY, 1_000_000_007L);
    List<Object> unread = Arrays.asList(KEY, null);
    ClientMessage write = ClientMessage.invoke(RegisterOps.WRITE, written, Map.of());
    ClientMessage writeOk = ClientMessage.completion(ClientMessage.Type.OK, RegisterOps.WRITE, written, null);
    ClientMessage read = ClientMessage.invoke(RegisterOps.READ, unread, Map.of());
    ClientMessage readOk = ClientMessage.completion(ClientMessage.Type.OK, RegisterOps.READ, written, null);
    ClientMessage readFail = ClientMessage.completion(ClientMessage.Type.FAIL, RegisterOps.READ, unread,
        "GroupAuthorizationException");
    assertThat(ClientWire.encode(write)).isEqualTo(WRITE);
    assertThat(ClientWire.encode(read)).isEqualTo(READ);
    assertThat(ClientWire.encode(readFail))
        .isEqualTo("{:type :fail :f :read :value[[\"chronik-reg-2\"1]nil]:error\"GroupAuthorizationException\"}");
    for (ClientMessage m : List.of(write, writeOk, read, readOk, readFail)) {
      assertThat(ClientWire.decode(ClientWire.encode(m), "client=r1 line=1")).as("%s read back", m).isEqualTo(m);
    }
    assertThat(RegisterOps.INSTANCE.problem(write, null)).isNull();
    assertThat(RegisterOps.INSTANCE.problem(writeOk, written)).isNull();
    assertThat(RegisterOps.INSTANCE.problem(read, null)).isNull();
    assertThat(RegisterOps.INSTANCE.problem(readOk, unread)).isNull();
    assertThat(RegisterOps.INSTANCE.problem(readFail, unread)).isNull();
    assertThat(RegisterOps.INSTANCE.problem(ClientMessage.completion(ClientMessage.Type.OK, RegisterOps.READ, unread,
        null), unread)).as("nothing committed yet").isNull();
  }

  @Test
  void aClientProcessesOpsAreRecordedAsAThreadRecordsThem() throws Exception {
    List<Object> written = List.of(KEY, 1_000_000_007L);
    try (HistoryRecorder recorder = HistoryRecorder.open(dir.resolve("history.edn"), 2);
        HistoryRecorder threads = HistoryRecorder.open(dir.resolve("thread.edn"), 2)) {
      ClientSession session = session(recorder);
      assertThat(session.accept(WRITE)).isEqualTo(ClientWire.GO);
      session.accept("{:type :ok :f :write :value [[\"chronik-reg-2\" 1] 1000000007]}");
      assertThat(session.accept(READ)).isEqualTo(ClientWire.GO);
      session.accept("{:type :ok :f :read :value [[\"chronik-reg-2\" 1] 1000000007]}");
      assertThat(recorded(recorder)).satisfiesExactly(
          l -> assertThat(l).contains(":type :invoke :process 0 :f :write :value[[\"chronik-reg-2\"1]1000000007]}"),
          l -> assertThat(l).contains(":type :ok :process 0 :f :write :value[[\"chronik-reg-2\"1]1000000007]}"),
          l -> assertThat(l).contains(":type :invoke :process 0 :f :read :value[[\"chronik-reg-2\"1]nil]}"),
          l -> assertThat(l).contains(":type :ok :process 0 :f :read :value[[\"chronik-reg-2\"1]1000000007]}"));
      assertThat(completions).as("the listener learns each op's key").containsExactly(
          ":write [[chronik-reg-2, 1], 1000000007] OK", ":read [[chronik-reg-2, 1], null] OK");

      RecorderChannel thread = new RecorderChannel(threads.worker(0), new AtomicBoolean(true), (f, v, t) -> { });
      thread.invoke(RegisterOps.WRITE, written, Map.of());
      thread.ok(written);
      thread.invoke(RegisterOps.READ, Arrays.asList(KEY, null), Map.of());
      thread.ok(written);
      threads.flush();
      assertThat(withoutTimes(recorded(recorder))).as("the same history lines as a client thread's")
          .isEqualTo(withoutTimes(Files.readAllLines(dir.resolve("thread.edn"))));
    }
  }

  private static List<String> withoutTimes(List<String> lines) {
    return lines.stream().map(l -> l.replaceFirst(":time \\d+ ", ":time T ")).toList();
  }

  @Test
  void aKilledRegisterClientsOpIsInfoAndBetweenOpsItLeavesNothing() throws Exception {
    try (HistoryRecorder recorder = HistoryRecorder.open(dir.resolve("history.edn"), 2)) {
      ClientSession session = session(recorder);
      session.accept(READ);
      assertThat(session.ended("client-killed pid=42", false)).isEqualTo("in-flight=read");
      assertThat(recorded(recorder)).last().asString()
          .contains(":type :info :process 0 :f :read :value[[\"chronik-reg-2\"1]nil]:error\"client-killed pid=42\"}");
      assertThat(session.process()).as("a crashed process never invokes again").isEqualTo(2);

      session.restarted();
      session.accept(WRITE);
      session.accept("{:type :ok :f :write :value[[\"chronik-reg-2\" 1]1000000007]}");
      assertThat(session.ended("client-killed pid=43", false)).isEqualTo("in-flight=none");
      assertThat(recorded(recorder)).as("no :crash op: the keyed-register model knows only reads and writes")
          .hasSize(4).noneMatch(l -> l.contains(":crash"));
      assertThat(session.process()).as("nothing was open, so nothing is indeterminate").isEqualTo(2);
    }
  }

  @Test
  void linesOutsideTheRegisterShapesAreRefusedWithTheirReasonAndRecordNothing() throws Exception {
    try (HistoryRecorder recorder = HistoryRecorder.open(dir.resolve("history.edn"), 2)) {
      ClientSession session = session(recorder);
      assertThatThrownBy(() -> session.accept("{:type :invoke :f :send :value [[:send 1 7]]}"))
          .isInstanceOf(ClientProtocolException.class)
          .hasMessage("client=r1 process=0 line=1 f=:send reason=not-a-register-op expected=[:read :write] "
              + "text=\"{:type :invoke :f :send :value [[:send 1 7]]}\"");
      assertThat(refusal(session, "{:type :invoke :f :write :value 7}"))
          .startsWith("client=r1 process=0 line=2 f=:write type=:invoke reason=value-not-a-key-value-pair text=\"");
      assertThat(refusal(session, "{:type :invoke :f :write :value [\"chronik-reg-2\" 7]}"))
          .contains("f=:write type=:invoke reason=key-not-a-group-partition-pair");
      assertThat(refusal(session, "{:type :invoke :f :write :value [[\"g\" -1] 7]}"))
          .contains("reason=key-not-a-group-partition-pair");
      assertThat(refusal(session, "{:type :invoke :f :write :value [[\"g\" 1] \"7\"]}"))
          .contains("reason=written-value-not-a-number");
      assertThat(refusal(session, "{:type :invoke :f :read :value [[\"g\" 1] 7]}"))
          .contains("f=:read type=:invoke reason=read-invoked-with-a-value");
      assertThat(recorded(recorder)).as("nothing refused is recorded").isEmpty();

      session.accept(READ);
      assertThat(refusal(session, "{:type :ok :f :read :value [[\"chronik-reg-3\" 1] 7]}"))
          .contains("f=:read type=:ok invoked-key=[\"chronik-reg-2\"1] reason=completion-of-another-key");
      assertThat(refusal(session, "{:type :ok :f :read :value [[\"chronik-reg-2\" 1] :seven]}"))
          .contains("reason=read-value-not-a-number-or-nil");
      assertThat(refusal(session, "{:type :fail :f :read :value [[\"chronik-reg-2\" 1] 7] :error \"x\"}"))
          .contains("f=:read type=:fail reason=unfinished-read-with-a-value");
      session.accept("{:type :info :f :read :value [[\"chronik-reg-2\" 1] nil] :error \"TimeoutException\"}");
      session.restarted();
      session.accept(WRITE);
      assertThat(refusal(session, "{:type :ok :f :write :value [[\"chronik-reg-2\" 1] 8]}"))
          .contains("reason=write-completed-with-another-value");
      assertThat(recorded(recorder)).as("only the accepted read, its completion and the write").hasSize(3);
    }
  }

  @Test
  void aRegisterClientsArgumentsReadBackAndBadOnesAreRefused() {
    RegisterClientSpec spec = new RegisterClientSpec("r3", "127.0.0.1:9092,127.0.0.1:9093", "chronik-register", 2,
        RegisterClientSpec.seed(7, 2, 1), RegisterClientSpec.firstValue(2, 1), 1_765_000_000_000L);
    assertThat(ClientSpec.parse(spec.args().toArray(String[]::new))).isEqualTo(spec);
    assertThat(spec.firstValue()).isEqualTo(3_010_000_000L);
    assertThat(RegisterClientSpec.seed(7, 2, 0)).as("the first incarnation draws as the threads do").isEqualTo(7 * 31 + 2);
    assertThat(RegisterClientSpec.seed(7, 2, 1)).isNotEqualTo(RegisterClientSpec.seed(7, 2, 0));
    assertThatThrownBy(() -> ClientSpec.parse(new String[] {"role=bank", "name=r1"}))
        .hasMessage("role=bank reason=unknown-or-missing known=[producer, consumer, register]");
    assertThatThrownBy(() -> ClientSpec.parse(new String[] {"role=register", "name=r1", "colour=red"}))
        .hasMessageContaining("arg=colour=red reason=expected-key=value");
    assertThatThrownBy(() -> ClientSpec.parse(new String[] {"role=register", "name=r1"}))
        .hasMessage("key=bootstrap reason=missing");
    List<String> badSeed = new ArrayList<>(spec.args());
    badSeed.set(5, "seed=seven");
    assertThatThrownBy(() -> ClientSpec.parse(badSeed.toArray(String[]::new))).hasMessageContaining("reason=not-a-number");
  }

  private static String refusal(ClientSession session, String line) {
    try {
      session.accept(line);
    } catch (ClientProtocolException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + line);
  }
}
