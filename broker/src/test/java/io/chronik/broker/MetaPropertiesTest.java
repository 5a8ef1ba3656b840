package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaPropertiesTest {
  @TempDir
  Path dir;

  @Test
  void anEmptyDirIsFormattedOnceAndKeepsItsDirectoryId() throws Exception {
    MetaProperties first = MetaProperties.loadOrFormat(dir, 3);
    assertThat(first.nodeId()).isEqualTo(3);
    assertThat(first.directoryId()).isNotEqualTo(Uuid.ZERO_UUID);
    assertThat(MetaProperties.loadOrFormat(dir, 3)).isEqualTo(first);
    assertThat(Files.exists(dir.resolve("meta.properties.tmp"))).isFalse();
  }

  @Test
  void theFileReadsAsKafkasMetaProperties() throws Exception {
    MetaProperties written = MetaProperties.loadOrFormat(dir, 5);
    Properties p = new Properties();
    p.load(Files.newBufferedReader(dir.resolve("meta.properties")));
    assertThat(p.getProperty("version")).isEqualTo("1");
    assertThat(p.getProperty("node.id")).isEqualTo("5");
    assertThat(Uuid.fromString(p.getProperty("directory.id"))).isEqualTo(written.directoryId());
  }

  @Test
  void anotherNodesDirStopsTheStartNamingBothIds() throws Exception {
    MetaProperties.loadOrFormat(dir, 1);
    assertThatThrownBy(() -> MetaProperties.loadOrFormat(dir, 2))
        .isInstanceOf(MetaProperties.MetaPropertiesException.class)
        .hasMessageContaining("key=node.id stored=1 configured=2 reason=data-dir-belongs-to-another-node");
  }

  @Test
  void aFormatCutBeforeItsRenameLeavesNoTraceAndFormatsAgain() throws Exception {
    Files.writeString(dir.resolve("meta.properties.tmp"), "#\nnode.id=", StandardCharsets.UTF_8);
    MetaProperties formatted = MetaProperties.loadOrFormat(dir, 4);
    assertThat(Files.exists(dir.resolve("meta.properties.tmp"))).isFalse();
    assertThat(MetaProperties.loadOrFormat(dir, 4)).isEqualTo(formatted);
  }

  @Test
  void aDamagedFileIsRefusedWithTheKeyNamedAndNotRewritten() throws Exception {
    String damaged = "version=1\nnode.id=4\n";
    Files.writeString(dir.resolve("meta.properties"), damaged, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MetaProperties.loadOrFormat(dir, 4))
        .isInstanceOf(MetaProperties.MetaPropertiesException.class)
        .hasMessageContaining("key=directory.id reason=missing");
    assertThat(Files.readString(dir.resolve("meta.properties"))).isEqualTo(damaged);
  }

  @Test
  void badValuesAreRefusedByKey() {
    Path f = dir.resolve("meta.properties");
    assertThatThrownBy(() -> MetaProperties.parse(f, "version=0\nnode.id=1\ndirectory.id=x"))
        .hasMessageContaining("key=version value=0 reason=unsupported");
    assertThatThrownBy(() -> MetaProperties.parse(f, "version=1\nnode.id=one\ndirectory.id=x"))
        .hasMessageContaining("key=node.id value=one reason=not-an-integer");
    assertThatThrownBy(() -> MetaProperties.parse(f, "version=1\nnode.id=1\ndirectory.id=x"))
        .hasMessageContaining("key=directory.id value=x reason=not-a-uuid");
  }
}
