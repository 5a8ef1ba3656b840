package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeerLinkFaultTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");

  @Test
  void latencyAndSlowCloseRouteEveryPeerLinkThroughTheProxyAndHealTheNetwork() {
    RecordingTestbed bed = new RecordingTestbed();
    for (String name : List.of("latency", "slow-close")) {
      Fault fault = FaultRegistry.find(name).orElseThrow();
      assertThat(fault.sites()).containsExactly(Site.LAB);
      Injection all = fault.pick(new Draw(THREE, new Random(1), List.of()));
      assertThat(all.targets()).isEqualTo(THREE);
      fault.start(all, bed);
      fault.heal(all, bed);
    }
    assertThat(bed.calls).containsExactly("delay-peer-links [n1, n2, n3] 100 0", "heal-network",
        "delay-peer-links [n1, n2, n3] 0 3000", "heal-network");
    assertThat(FaultRegistry.problem(List.of("latency"), Site.VMS)).contains("reason=not-available-here");
  }
}
