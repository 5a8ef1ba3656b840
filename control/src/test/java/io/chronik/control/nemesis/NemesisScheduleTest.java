package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NemesisScheduleTest {
  private static FaultPlan.Step kill(long start, long heal, String node) {
    return new FaultPlan.Step(start, heal, FaultRegistry.find("kill").orElseThrow(), Injection.of(List.of(node)));
  }

  @Test
  void eachFaultIsHealedInTurnAndTheRunEndsWithTheFinalHeal() throws Exception {
    RecordingTestbed bed = new RecordingTestbed();
    Nemesis nemesis = new Nemesis(bed, List.of("n1", "n2"), NemesisRecorder.NONE, System::nanoTime);
    NemesisSchedule.start(nemesis, List.of(kill(0, 10, "n1"), kill(20, 30, "n2"))).await(Duration.ofSeconds(5))
        .ifPresent(e -> {
          throw e;
        });
    assertThat(bed.calls).containsExactly("kill n1", "start n1", "kill n2", "start n2",
        "heal-network", "resume n1", "start n1", "resume n2", "start n2");
  }

  @Test
  void aStepWhoseWindowPassedWhileAnEarlierOneWasSlowIsSkipped() throws Exception {
    RecordingTestbed bed = new RecordingTestbed();
    bed.killMillis = 300;
    Nemesis nemesis = new Nemesis(bed, List.of("n1", "n2"), NemesisRecorder.NONE, System::nanoTime);
    NemesisSchedule.start(nemesis, List.of(kill(0, 10, "n1"), kill(50, 100, "n2"), kill(400, 450, "n2")))
        .await(Duration.ofSeconds(5));
    assertThat(bed.calls).startsWith("kill n1", "start n1", "kill n2", "start n2");
    assertThat(bed.calls.stream().filter(c -> c.equals("kill n2"))).as("the step at 50-100 ms is skipped").hasSize(1);
  }

  @Test
  void overlappingStepsStartAndHealInTimeOrder() throws Exception {
    RecordingTestbed bed = new RecordingTestbed();
    Nemesis nemesis = new Nemesis(bed, List.of("n1", "n2"), NemesisRecorder.NONE, System::nanoTime);
    // n1 down 0-300 ms, n2 down 50-150 ms: two down at once, then one back while the other stays down
    NemesisSchedule.start(nemesis, List.of(kill(0, 300, "n1"), kill(50, 150, "n2"))).await(Duration.ofSeconds(5))
        .ifPresent(e -> {
          throw e;
        });
    assertThat(bed.calls).startsWith("kill n1", "kill n2", "start n2", "start n1", "heal-network");
  }
}
