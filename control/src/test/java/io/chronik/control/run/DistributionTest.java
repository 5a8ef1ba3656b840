package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributionTest {
  @TempDir Path dir;

  private Path jar(Path where, String name, String... entries) throws IOException {
    Files.createDirectories(where);
    Path jar = where.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String e : entries) {
        zip.putNextEntry(new ZipEntry(e));
        zip.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void classPathJarsAndWildcardDirectoriesAreShippedOncePerNameClassDirectoriesNot() throws IOException {
    Path broker = jar(dir.resolve("broker"), "chronik-broker.jar", "io/chronik/broker/BrokerMain.class");
    jar(dir.resolve("lib"), "netty.jar", "io/netty/X.class");
    jar(dir.resolve("lib"), "chronik-broker.jar", "old/Stale.class");
    Files.createDirectories(dir.resolve("classes"));
    String cp = String.join(File.pathSeparator, broker.toString(), dir.resolve("classes").toString(),
        dir.resolve("lib") + File.separator + "*");
    assertThat(Distribution.jars(cp)).containsExactly(broker, dir.resolve("lib/netty.jar"));
    assertThat(Distribution.uploads(cp)).extracting(u -> u.remote())
        .containsExactly("lib/chronik-broker.jar", "lib/netty.jar");
  }

  @Test
  void aClassPathWithoutTheBrokerJarIsRefused() throws IOException {
    Path other = jar(dir, "other.jar", "x/Y.class");
    assertThatThrownBy(() -> Distribution.uploads(other.toString()))
        .hasMessageContaining("reason=no-jar-on-class-path-holds-the-broker");
  }
}
