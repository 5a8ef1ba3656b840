package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetworkShapingFaultTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");

  @Test
  void packetLossHitsEveryNodeWithItsProbabilityAndHealsTheNetwork() {
    RecordingTestbed bed = new RecordingTestbed();
    Fault loss = new PacketLossFault(0.2);
    Injection all = loss.pick(new Draw(THREE, new Random(1), List.of()));
    assertThat(all.targets()).containsExactlyElementsOf(THREE);
    loss.start(all, bed);
    loss.heal(all, bed);
    assertThat(bed.calls).containsExactly("drop-packets [n1, n2, n3] 0.2", "heal-network");
    assertThat(loss.help()).contains("20%");
    assertThatThrownBy(() -> new PacketLossFault(1.0)).hasMessageContaining("probability=1.0");
  }

  @Test
  void bandwidthLimitsEveryNodeToItsRateAndHealsTheNetwork() {
    RecordingTestbed bed = new RecordingTestbed();
    Fault slow = new BandwidthFault(1_000);
    Injection all = slow.pick(new Draw(THREE, new Random(1), List.of()));
    slow.start(all, bed);
    slow.heal(all, bed);
    assertThat(bed.calls).containsExactly("limit-bandwidth [n1, n2, n3] 1000", "heal-network");
    assertThat(slow.help()).contains("1000 kbit/s");
  }
}
