package io.chronik.control.run;

import io.chronik.control.db.DbSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * The jars a host needs to run the broker: those of the control node's own class path (the
 * launcher puts the distribution there), uploaded to {@code lib/} on each host. Class directories
 * are not shipped: the broker must come from a jar (the launcher and {@code mvn package} build it).
 */
final class Distribution {
  private Distribution() {}

  /** The jar files a class path names, expanding {@code dir/*}; the first jar of each file name wins. */
  static List<Path> jars(String classPath) throws IOException {
    Map<String, Path> byName = new LinkedHashMap<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      if (entry.endsWith("*")) {
        Path dir = Path.of(entry.substring(0, entry.length() - 1));
        if (Files.isDirectory(dir)) {
          try (Stream<Path> files = Files.list(dir)) {
            files.filter(Distribution::isJar).sorted().forEach(p -> byName.putIfAbsent(p.getFileName().toString(), p));
          }
        }
      } else {
        Path p = Path.of(entry);
        if (isJar(p)) {
          byName.putIfAbsent(p.getFileName().toString(), p);
        }
      }
    }
    return List.copyOf(byName.values());
  }

  private static boolean isJar(Path p) {
    return p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p);
  }

  /** Uploads for {@link DbSpec}: every jar to {@code lib/<name>}; fails if no jar holds the broker. */
  static List<DbSpec.Upload> uploads(String classPath) throws IOException {
    List<Path> jars = jars(classPath);
    String entry = HostCluster.MAIN_CLASS.replace('.', '/') + ".class";
    boolean broker = false;
    for (Path jar : jars) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        broker |= zip.getEntry(entry) != null;
      }
    }
    if (!broker) {
      throw new IllegalStateException("class=" + HostCluster.MAIN_CLASS
          + " reason=no-jar-on-class-path-holds-the-broker (build with mvn package and run through ./chronik)");
    }
    List<DbSpec.Upload> uploads = new ArrayList<>();
    for (Path jar : jars) {
      uploads.add(new DbSpec.Upload(jar, "lib/" + jar.getFileName()));
    }
    return uploads;
  }
}
