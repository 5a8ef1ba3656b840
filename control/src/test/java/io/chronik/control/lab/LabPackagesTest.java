package io.chronik.control.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabPackagesTest {
  @Test
  void installsOnlyAsRootOnlyWhatIsMissingAndNotWithNoInstall() {
    assertThat(LabPackages.shouldInstall(true, List.of("iptables"), false)).isTrue();
    assertThat(LabPackages.shouldInstall(false, List.of("iptables"), false)).as("not root: the fallback").isFalse();
    assertThat(LabPackages.shouldInstall(true, List.of(), false)).as("nothing missing").isFalse();
    assertThat(LabPackages.shouldInstall(true, List.of("iptables"), true)).as("--no-install").isFalse();
  }
}
