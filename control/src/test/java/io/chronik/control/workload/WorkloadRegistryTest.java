package io.chronik.control.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkloadRegistryTest {
  private static final WorkloadSettings SETTINGS = new WorkloadSettings(5, 3, 4, "all");

  @Test
  void eachWorkloadIsRegisteredOnceWithHelpTopicAndSizes() {
    assertThat(WorkloadRegistry.names()).containsExactly("kafka", "register").doesNotHaveDuplicates();
    for (WorkloadType t : WorkloadRegistry.all()) {
      assertThat(t.help()).as("help of %s", t.name()).isNotBlank();
      assertThat(t.topic()).as("topic of %s", t.name()).startsWith("chronik-");
      assertThat(t.topicPartitions().applyAsInt(SETTINGS)).isPositive();
      assertThat(t.concurrency().applyAsInt(SETTINGS)).isPositive();
    }
  }

  @Test
  void kafkaSizesFollowTheOptionsAndRegisterHasItsOwn() {
    WorkloadType kafka = WorkloadRegistry.get("kafka");
    assertThat(kafka.topicPartitions().applyAsInt(SETTINGS)).isEqualTo(5);
    assertThat(kafka.concurrency().applyAsInt(SETTINGS)).isEqualTo(KafkaWorkload.concurrency(3, 1)).isEqualTo(5);
    WorkloadSettings group = new WorkloadSettings(5, 2, 4, "all", 3, true, true, java.nio.file.Path.of("."));
    assertThat(kafka.concurrency().applyAsInt(group)).as("producers, consumers, final reader").isEqualTo(6);
    assertThat(kafka.processClients().apply(SETTINGS)).containsExactly("p1", "p2", "p3", "c1");
    assertThat(kafka.processClients().apply(group)).containsExactly("p1", "p2", "c1", "c2", "c3");
    WorkloadType register = WorkloadRegistry.get("register");
    assertThat(register.topicPartitions().applyAsInt(SETTINGS)).isEqualTo(RegisterWorkload.PARTITIONS);
    assertThat(register.concurrency().applyAsInt(SETTINGS)).isEqualTo(RegisterWorkload.concurrency(4));
    assertThat(register.processClients().apply(SETTINGS)).as("one per register client")
        .containsExactly("r1", "r2", "r3", "r4");
    assertThatThrownBy(() -> WorkloadRegistry.get("bank")).hasMessage("workload=bank reason=unknown known=[kafka, register]");
  }
}
