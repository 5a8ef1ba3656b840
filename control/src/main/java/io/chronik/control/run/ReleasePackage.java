package io.chronik.control.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Debian package a run deploys on systemd hosts (VMs): built fresh from this tree with
 * broker/src/dist/package.sh into target/package, so the VMs run exactly the jars of this control
 * node. Needs {@code CHRONIK_HOME} (the launcher sets it) and dpkg-deb.
 */
final class ReleasePackage {
  private static final long BUILD_TIMEOUT_S = 300;

  private ReleasePackage() {}

  static Path build() throws IOException, InterruptedException {
    String home = System.getenv("CHRONIK_HOME");
    if (home == null) {
      throw new IllegalStateException("reason=CHRONIK_HOME-unset: run through ./chronik to deploy the package on VMs");
    }
    Path root = Path.of(home);
    Path out = root.resolve("target").resolve("package");
    Process p = new ProcessBuilder(root.resolve("broker/src/dist/package.sh").toString(), out.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(BUILD_TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("package=failed output=" + output);
    }
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(f -> f.getFileName().toString().matches("chronik_.*_amd64\\.deb"))
          .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
          .orElseThrow(() -> new IllegalStateException("dir=" + out + " reason=no-deb-after-package output=" + output));
    }
  }
}
