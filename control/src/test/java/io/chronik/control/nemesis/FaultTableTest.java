package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.recorder.Invocation;
import io.chronik.verifier.recorder.KafkaMicroOps;
import io.chronik.verifier.report.HistoryChecks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the nemesis records reaches the report: each fault interval with the nodes it hit. */
class FaultTableTest {
  @TempDir Path dir;

  @Test
  void theReportListsEachFaultWithTheNodesItHit() throws Exception {
    Path history = dir.resolve("history.edn");
    RecordingTestbed bed = new RecordingTestbed();
    Fault partition = FaultRegistry.find("partition").orElseThrow();
    Injection halves = partition.pick(new Draw(List.of("n1", "n2", "n3"), new Random(3), List.of("halves")));
    try (HistoryRecorder recorder = HistoryRecorder.open(history, 1)) {
      Nemesis nemesis = new Nemesis(bed, List.of("n1", "n2", "n3"), new HistoryNemesisRecorder(recorder.faultOps()),
          System::nanoTime);
      FaultPlan.Step kill = new FaultPlan.Step(0, 1, FaultRegistry.find("kill-majority").orElseThrow(),
          Injection.of(List.of("n2", "n3")));
      nemesis.heal(kill, nemesis.start(kill));
      FaultPlan.Step cut = new FaultPlan.Step(0, 1, partition, halves);
      nemesis.heal(cut, nemesis.start(cut));
      Invocation send = recorder.worker(0).invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(0, 1)));
      send.ok(List.of(KafkaMicroOps.sent(0, 0, 1)));
    }
    HistoryChecks.run("kafka", history, dir, false, new PrintWriter(new StringWriter()));
    String results = Files.readString(dir.resolve("results.edn"));
    String minority = halves.targets().get(0);
    assertThat(results).contains(":fault \"kill-majority\"").contains(":targets \"n2 n3\"")
        .contains(":fault \"partition\"").contains(":targets \"halves: " + minority + "\"");
    assertThat(Files.readString(dir.resolve("report.html"))).contains("<td>kill-majority</td><td>n2 n3</td>")
        .contains("<td>partition</td><td>halves: " + minority + "</td>");
  }
}
