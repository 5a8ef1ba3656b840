package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CascadingFaultTest {
  @Test
  void killsOneByOneUntilQuorumIsLostThenRestartsInTheSameOrderAPaceApart() {
    RecordingTestbed bed = new RecordingTestbed();
    CascadingFault cascade = new CascadingFault(Duration.ofMillis(100));
    Injection three = Injection.of(List.of("n4", "n2", "n5"));
    long before = System.nanoTime();
    cascade.start(three, bed);
    long killMillis = (System.nanoTime() - before) / 1_000_000;
    cascade.heal(three, bed);
    assertThat(bed.calls).containsExactly("kill n4", "kill n2", "kill n5", "start n4", "start n2", "start n5");
    assertThat(killMillis).as("two pauses between three kills").isGreaterThanOrEqualTo(200);
  }
}
