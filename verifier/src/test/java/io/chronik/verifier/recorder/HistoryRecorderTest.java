package io.chronik.verifier.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.History;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import io.chronik.verifier.kafka.KafkaCheckOptions;
import io.chronik.verifier.kafka.KafkaChecker;
import io.chronik.verifier.kafka.KafkaHistory;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.FaultInterval;
import io.chronik.verifier.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryRecorderTest {
  @TempDir Path dir;

  /** A correct one-partition log shared by the client threads. */
  static final class Log {
    final List<Long> values = new ArrayList<>();

    synchronized long append(long v) {
      values.add(v);
      return values.size() - 1;
    }

    synchronized List<long[]> read(long from, int max) {
      List<long[]> out = new ArrayList<>();
      for (long o = from; o < Math.min(values.size(), from + max); o++) {
        out.add(new long[] {o, values.get((int) o)});
      }
      return out;
    }
  }

  @Test
  void concurrentClientsRecordACheckableHistory() throws Exception {
    Path file = dir.resolve("history.edn");
    int threads = 4;
    Log log = new Log();
    AtomicLong values = new AtomicLong();
    try (HistoryRecorder rec = HistoryRecorder.open(file, threads)) {
      FaultOps.Pending start = rec.faultOps().startFault("partition", "majority");
      start.done("cut");
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Worker w = rec.worker(t);
        Random rnd = new Random(t);
        ts.add(new Thread(() -> {
          Map<Long, Long> position = new HashMap<>();
          for (int i = 0; i < 300; i++) {
            if (rnd.nextBoolean()) {
              long v = values.incrementAndGet();
              Invocation inv = w.invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(0, v)));
              int dice = rnd.nextInt(10);
              if (dice == 0) {
                inv.info(List.of(KafkaMicroOps.send(0, v)), "timeout"); // never landed
              } else {
                inv.ok(List.of(KafkaMicroOps.sent(0, log.append(v), v)));
              }
            } else {
              long before = w.process();
              Invocation inv = w.invoke(KafkaMicroOps.POLL, List.of(KafkaMicroOps.poll()));
              List<long[]> got = log.read(position.getOrDefault(before, 0L), 5);
              if (!got.isEmpty()) {
                position.put(before, got.get(got.size() - 1)[0] + 1);
              }
              inv.ok(List.of(KafkaMicroOps.polled(got.isEmpty() ? Map.of() : Map.of(0L, got))));
            }
          }
        }));
      }
      ts.forEach(Thread::start);
      for (Thread t : ts) {
        t.join();
      }
      rec.faultOps().stopFault("partition", null).done("healed");
      Worker last = rec.worker(0);
      last.invoke(KafkaMicroOps.ASSIGN, KafkaMicroOps.keys(0), Map.of(KafkaMicroOps.SEEK_TO_BEGINNING, true))
          .ok(KafkaMicroOps.keys(0));
      // A fresh process (after assign + seek) reads everything: the final read.
      last.invoke(KafkaMicroOps.POLL, List.of(KafkaMicroOps.poll())).ok(
          List.of(KafkaMicroOps.polled(Map.of(0L, log.read(0, Integer.MAX_VALUE)))));
    }
    History h = EdnHistoryReader.read(file);
    List<Op> ops = h.ops();
    for (int i = 0; i < ops.size(); i++) {
      assertThat(ops.get(i).index()).isEqualTo(i);
      if (i > 0) {
        assertThat(ops.get(i).timeNanos()).isGreaterThanOrEqualTo(ops.get(i - 1).timeNanos());
      }
    }
    // After an info completion, that process never invokes again.
    java.util.Set<Long> crashed = new java.util.HashSet<>();
    for (Op op : ops) {
      if (op.isClient()) {
        assertThat(crashed).doesNotContain(op.process());
        if (op.type() == OpType.INFO) {
          crashed.add(op.process());
        }
      }
    }
    assertThat(crashed).isNotEmpty();
    KafkaHistory kh = KafkaHistory.read(file);
    assertThat(kh.faults()).hasSize(1);
    assertThat(kh.faults().get(0)).extracting(FaultInterval::fault).isEqualTo("partition");
    CheckResult r = KafkaChecker.check(kh, KafkaCheckOptions.defaults().withUnseenIsError(true));
    assertThat(r.verdict()).as("cases=%s", r.cases()).isEqualTo(Verdict.VALID);
  }

  @Test
  void regularFlushesKeepTheHistoryOfARunThatNeverCloses() throws Exception {
    Path file = dir.resolve("crashed.edn");
    HistoryRecorder rec = HistoryRecorder.open(file, 1, Duration.ofMillis(20), System::nanoTime);
    rec.worker(0).invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(0, 1)));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Files.size(file) == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(Files.readString(file)).contains(":type :invoke").contains(":f :send");
    rec.close();
  }

  @Test
  void anOperationCompletesOnceAndAWorkerRunsOneAtATime() throws Exception {
    try (HistoryRecorder rec = HistoryRecorder.open(dir.resolve("h.edn"), 2)) {
      Worker w = rec.worker(1);
      Invocation inv = w.invoke(KafkaMicroOps.POLL, List.of(KafkaMicroOps.poll()));
      assertThatThrownBy(() -> w.invoke(KafkaMicroOps.POLL, List.of())).isInstanceOf(IllegalStateException.class);
      inv.info(null, "crash");
      assertThat(w.process()).isEqualTo(3);
      assertThatThrownBy(() -> inv.ok(null)).isInstanceOf(IllegalStateException.class);
    }
  }
}
