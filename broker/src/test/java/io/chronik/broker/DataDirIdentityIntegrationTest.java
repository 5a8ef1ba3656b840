package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker process formats its data dir once and refuses another node's dir with exit 78 and the reason. */
@Tag("integration")
class DataDirIdentityIntegrationTest {
  @TempDir
  Path dir;

  @Test
  void aNodeStartedOnAnotherNodesDataDirExits78NamingBothIdsAndLeavesTheFile() throws Exception {
    Path data = dir.resolve("data");
    String formatted;
    try (BrokerProcess broker = BrokerProcess.start(data, LoopbackPorts.take(), "node.id=1")) {
      formatted = Files.readString(data.resolve(MetaProperties.FILE));
      assertThat(broker.log()).contains("directory=" + MetaProperties.loadOrFormat(data, 1).directoryId());
    }
    assertThatThrownBy(() -> BrokerProcess.start(data, LoopbackPorts.take(), "node.id=2"))
        .hasMessageContaining("broker exited code=" + MetaProperties.MetaPropertiesException.EXIT_CODE)
        .hasMessageContaining("key=node.id stored=1 configured=2 reason=data-dir-belongs-to-another-node");
    assertThat(Files.readString(data.resolve(MetaProperties.FILE))).isEqualTo(formatted);
  }
}
