package io.chronik.control.workload.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The register clients' choice of keys and what counts as an unknown outcome. */
class RegisterClientTest {
  @Test
  void keysMoveOnEachGenerationSoNoKeyCollectsUnboundedOperations() {
    Random random = new Random(1);
    for (int i = 0; i < 50; i++) {
      List<Object> early = RegisterClient.key(Duration.ofSeconds(3), random);
      List<Object> late = RegisterClient.key(Duration.ofSeconds(25), random);
      assertThat(early.get(0)).isIn("chronik-reg-0", "chronik-reg-1");
      assertThat(late.get(0)).isIn("chronik-reg-4", "chronik-reg-5");
      assertThat((Long) late.get(1)).isBetween(0L, (long) RegisterClient.PARTITIONS - 1);
    }
    assertThat(RegisterClient.indeterminate("TimeoutException")).isTrue();
    assertThat(RegisterClient.indeterminate("DisconnectException")).isTrue();
    assertThat(RegisterClient.indeterminate("GroupAuthorizationException")).isFalse();
  }
}
