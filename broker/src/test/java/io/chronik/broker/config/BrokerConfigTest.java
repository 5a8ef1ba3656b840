package io.chronik.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void defaultsApplyAndOverridesParse() {
    BrokerConfig c = BrokerConfig.parse(props("listener.port", "0", "auto.create.topics.enable", "false"));
    assertThat(c.intValue("listener.port")).isZero();
    assertThat(c.bool("auto.create.topics.enable")).isFalse();
    assertThat(c.intValue("request.bytes.max")).isEqualTo(16 * 1024 * 1024);
  }

  @Test
  void badValuesAreRejectedWithKeyValueAndReason() {
    assertThatThrownBy(() -> BrokerConfig.parse(props("listener.port", "70000")))
        .hasMessageContaining("key=listener.port value=70000 reason=out-of-range");
    assertThatThrownBy(() -> BrokerConfig.parse(props("num.partitions", "x")))
        .hasMessageContaining("key=num.partitions value=x reason=not-an-integer");
    assertThatThrownBy(() -> BrokerConfig.parse(props("no.such.key", "1")))
        .hasMessageContaining("key=no.such.key value=1 reason=unknown-key");
    assertThatThrownBy(() -> BrokerConfig.parse(props("transport", "kqueue")))
        .hasMessageContaining("key=transport value=kqueue");
  }

  @Test
  void everyKeyIsDocumented() throws Exception {
    Path doc = Path.of("..", "docs", "BROKER.md");
    String text = Files.readString(doc);
    for (String key : BrokerConfig.keyNames()) {
      assertThat(text).as("docs/BROKER.md documents " + key).contains("`" + key + "`");
    }
  }
}
