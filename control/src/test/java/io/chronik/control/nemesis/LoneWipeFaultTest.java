package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoneWipeFaultTest {
  @Test
  void killsAndWipesTheLoneBrokerAndStartsItEmptyWhenHealed() {
    Fault fault = FaultRegistry.find("wipe-lone-broker").orElseThrow();
    Injection injection = fault.pick(new Draw(List.of("n1"), new Random(1), List.of()));
    RecordingTestbed bed = new RecordingTestbed();
    assertThat(fault.start(injection, bed)).isEqualTo("killed-and-wiped=n1");
    assertThat(fault.heal(injection, bed)).isEqualTo("started-empty=[n1]");
    assertThat(bed.calls).containsExactly("kill n1", "wipe n1", "start n1");
  }

  @Test
  void aLoneBrokerOnlyLocallyExclusiveAndTheOldNameIsGone() {
    Fault fault = FaultRegistry.find("wipe-lone-broker").orElseThrow();
    assertThat(fault.sites()).containsExactly(Site.LOCAL);
    assertThat(fault.exclusive()).isTrue();
    assertThat(fault.problem(new Draw(List.of("n1"), new Random(1), List.of()))).isNull();
    assertThat(fault.problem(new Draw(List.of("n1", "n2", "n3"), new Random(1), List.of())))
        .isEqualTo("fault=wipe-lone-broker nodes=3 reason=lone-broker-only use=disk-loss");
    assertThat(FaultRegistry.find("wipe")).isEmpty();
    assertThat(FaultRegistry.problem(List.of("wipe"), Site.LOCAL)).startsWith("fault=wipe reason=unknown");
  }
}
