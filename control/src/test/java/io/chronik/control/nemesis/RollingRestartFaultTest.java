package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollingRestartFaultTest {
  @Test
  void restartsEveryNodeInTheDrawnOrderWaitingForAllToBeReadyBeforeTheNext() {
    RollingRestartFault fault = new RollingRestartFault();
    Injection order = fault.pick(new Draw(List.of("n1", "n2", "n3"), new Random(3), List.of()));
    assertThat(order.targets()).containsExactlyInAnyOrder("n1", "n2", "n3");
    RecordingTestbed bed = new RecordingTestbed();
    String info = fault.start(order, bed);
    List<String> t = order.targets();
    assertThat(bed.calls).containsExactly(
        "stop " + t.get(0), "start " + t.get(0), "ready " + t.get(0), "ready " + t.get(1), "ready " + t.get(2),
        "stop " + t.get(1), "start " + t.get(1), "ready " + t.get(0), "ready " + t.get(1), "ready " + t.get(2),
        "stop " + t.get(2), "start " + t.get(2), "ready " + t.get(0), "ready " + t.get(1), "ready " + t.get(2));
    assertThat(info).isEqualTo("restarted-in-order=" + t);
    bed.calls.clear();
    assertThat(fault.heal(order, bed)).startsWith("nothing-to-heal");
    assertThat(bed.calls).isEmpty();
  }
}
