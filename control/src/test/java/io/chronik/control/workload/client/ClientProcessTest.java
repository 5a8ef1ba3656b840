package io.chronik.control.workload.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.recorder.HistoryRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client processes for real: separate JVMs ({@link ScriptedClient}) started, killed with SIGKILL by
 * their pid and restarted, their reports recorded into a history file, judged from outside (the pid is
 * gone, the history's ops).
 */
class ClientProcessTest {
  @TempDir Path dir;
  private HistoryRecorder recorder;
  private ClientProcess client;

  private ClientProcess client(String mode, int concurrency) throws Exception {
    recorder = HistoryRecorder.open(dir.resolve("history.edn"), concurrency);
    ClientSession session = new ClientSession("p1", recorder.worker(0), ClientOps.KAFKA, (f, v, t) -> { });
    client = new ClientProcess(session, incarnation -> List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-cp",
        System.getProperty("java.class.path"), ScriptedClient.class.getName(), mode), dir.resolve("p1.log"));
    return client;
  }

  @AfterEach
  void killWhatRuns() throws Exception {
    if (client != null) {
      client.kill();
    }
    if (recorder != null) {
      recorder.close();
    }
  }

  private List<String> history() throws Exception {
    recorder.flush();
    return Files.readAllLines(dir.resolve("history.edn"));
  }

  private void awaitHistory(Predicate<List<String>> holds, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!holds.test(history())) {
      assertThat(System.nanoTime()).as("history shows %s within 30 s: %s", what, history()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void killNineLeavesTheInFlightOperationInfoAndTheRestartedClientIsANewProcess() throws Exception {
    ClientProcess p1 = client("hang", 2);
    assertThat(p1.start()).matches("p1 pid=\\d+ process=0");
    awaitHistory(h -> h.size() == 1, "the invocation");
    long pid = p1.pid();
    ProcessHandle before = ProcessHandle.of(pid).orElseThrow();
    // /proc directly: ProcessHandle.Info cuts a long command line (this class path) short
    String cmdline = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
    assertThat(List.of(cmdline.split("\0"))).contains("hang");

    String killed = p1.kill();

    assertThat(killed).isEqualTo("p1 pid=" + pid + " exit=137 process=0->2 in-flight=send");
    assertThat(before.isAlive()).as("the killed pid is gone").isFalse();
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(history()).hasSize(2).last().asString()
        .contains(":type :info :process 0 :f :send :value[[:send 1 7]]:error\"client-killed pid=" + pid + "\"}");

    String started = p1.start();
    assertThat(started).matches("p1 pid=\\d+ process=2").doesNotContain("pid=" + pid + " ");
    assertThat(p1.pid()).isNotEqualTo(pid).isPositive();
    awaitHistory(h -> h.size() == 3, "the new process's invocation");
    assertThat(history().get(2)).contains(":type :invoke :process 2 :f :send");
  }

  @Test
  void aStoppedClientFinishesItsOperationAndExitsByItselfAsTheSameProcess() throws Exception {
    ClientProcess p1 = client("loop", 1);
    p1.start();
    awaitHistory(h -> h.size() >= 6, "a few sends");
    ProcessHandle handle = ProcessHandle.of(p1.pid()).orElseThrow();
    p1.requestStop();
    p1.awaitStop(System.nanoTime() + Duration.ofSeconds(20).toNanos());
    assertThat(handle.isAlive()).isFalse();
    List<String> h = history();
    assertThat(h).as("every send completed ok, nothing indeterminate, no crash")
        .allSatisfy(l -> assertThat(l).containsPattern(":type :(invoke|ok) :process 0 :f :send"));
    assertThat(h.get(h.size() - 1)).contains(":type :ok");
  }

  @Test
  void aMalformedLineIsAClearProtocolErrorAndTheClientIsKilled() throws Exception {
    ClientProcess p1 = client("garbage", 1);
    p1.start();
    long pid = p1.pid();
    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
    assertThat(handle.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("killed for breaking the protocol").isFalse();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (p1.protocolError() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(Optional.ofNullable(p1.protocolError()).map(Throwable::getMessage).orElse("none"))
        .startsWith("client=p1 process=0 line=1 reason=")
        .endsWith("text=\"Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\"");
    awaitHistory(h -> h.size() == 2, "the crash");
    assertThat(history().get(1)).contains(":type :info :process 0 :f :crash")
        .contains(":error\"client-protocol-error pid=" + pid + "\"}");
  }

  @Test
  void halfALineWrittenBeforeTheKillIsNotTakenForAReport() throws Exception {
    ClientProcess p1 = client("partial", 1);
    p1.start();
    awaitHistory(h -> h.size() == 1, "the invocation");
    Thread.sleep(300); // the half line is on the pipe
    assertThat(p1.kill()).endsWith("in-flight=send dropped-partial-line-bytes=39");
    assertThat(history()).hasSize(2).last().asString().contains(":type :info :process 0 :f :send");
  }
}
