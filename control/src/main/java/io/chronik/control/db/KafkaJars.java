package io.chronik.control.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Apache Kafka server jars a {@code --db kafka} run installs, resolved at run time rather than
 * shipped: Maven copies the dependencies of a small pom (resource {@code kafka/pom.xml}) into a cache,
 * {@code ~/.cache/chronik/kafka/<version>/libs}, offline first (the local repository usually has them)
 * and online only if that misses. A folder that already holds the same version's jars (e.g. the bench
 * peer's {@code /tmp/kafka-peer/libs}) fills the cache without Maven. The cache is complete only once
 * its marker file is written, so an interrupted fill is redone, never half used.
 */
public final class KafkaJars {
  public static final String VERSION = "4.4.0";
  /** The broker jar: its presence says a folder holds this version's server. */
  static final String BROKER_JAR = "kafka_2.13-" + VERSION + ".jar";
  static final String COMPLETE = ".complete";
  private static final String POM = "/kafka/pom.xml";
  private static final String COPY_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies";
  private static final long MAVEN_MINUTES = 10;

  private final Path cache;
  private final List<Path> seeds;
  private final String maven;

  /**
   * @param cache the libs folder to fill
   * @param seeds folders that may already hold this version's jars, tried before Maven
   * @param maven the Maven command
   */
  public KafkaJars(Path cache, List<Path> seeds, String maven) {
    this.cache = cache;
    this.seeds = List.copyOf(seeds);
    this.maven = maven;
  }

  /** The user's cache, the bench peer's folder as a seed, {@code mvn} from the PATH. */
  public static KafkaJars standard() {
    Path home = Path.of(System.getProperty("user.home"));
    return new KafkaJars(home.resolve(".cache/chronik/kafka").resolve(VERSION).resolve("libs"),
        List.of(Path.of("/tmp/kafka-peer/libs")), "mvn");
  }

  public Path cache() {
    return cache;
  }

  /** The jars, resolving them first if the cache is not complete; throws with a key=value reason if it cannot. */
  public List<Path> resolve(PrintStream console) {
    try {
      if (!Files.exists(cache.resolve(COMPLETE))) {
        fill(console);
      }
      return jars(cache);
    } catch (IOException e) {
      throw new UncheckedIOException("kafka-version=" + VERSION + " cache=" + cache + " reason=cache-unusable " + e, e);
    }
  }

  private void fill(PrintStream console) throws IOException {
    Files.createDirectories(cache.getParent());
    Path staging = Files.createTempDirectory(cache.getParent(), "libs-staging-");
    try {
      String from = fillFromSeed(staging);
      if (from == null) {
        from = fillWithMaven(staging, console);
      }
      deleteTree(cache);
      Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(cache.resolve(COMPLETE), "from=" + from + "\n", StandardCharsets.UTF_8);
      console.printf("chronik test: kafka-jars=%d version=%s cache=%s from=%s%n", jars(cache).size(), VERSION, cache, from);
    } finally {
      deleteTree(staging);
    }
  }

  /** Copies a seed folder's jars if one holds this version; returns it, or null. */
  private String fillFromSeed(Path staging) throws IOException {
    for (Path seed : seeds) {
      if (Files.isRegularFile(seed.resolve(BROKER_JAR))) {
        for (Path jar : jars(seed)) {
          Files.copy(jar, staging.resolve(jar.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
        return seed.toString();
      }
    }
    return null;
  }

  /** {@code mvn dependency:copy-dependencies}, offline, then online if offline did not resolve everything. */
  private String fillWithMaven(Path staging, PrintStream console) throws IOException {
    Path pom = staging.resolve("pom.xml");
    try (InputStream in = KafkaJars.class.getResourceAsStream(POM)) {
      if (in == null) {
        throw new IllegalStateException("resource=" + POM + " reason=missing-from-class-path");
      }
      Files.copy(in, pom);
    }
    String offline = runMaven(pom, staging, true);
    if (offline == null) {
      Files.delete(pom);
      return "maven-offline";
    }
    console.printf("chronik test: kafka-jars offline=unresolved (%s); asking Maven online%n", offline);
    String online = runMaven(pom, staging, false);
    if (online != null) {
      throw new IllegalStateException("kafka-version=" + VERSION + " reason=kafka-jars-unavailable offline=" + offline
          + " online=" + online + " cache=" + cache + " (needs mvn and the Maven repository, or the jars in " + seeds + ")");
    }
    Files.delete(pom);
    return "maven-online";
  }

  /** Runs Maven on {@code pom}; returns null when the broker jar arrived, else why not. */
  private String runMaven(Path pom, Path staging, boolean offline) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(maven, "-q", "-B", "-ntp"));
    if (offline) {
      cmd.add("-o");
    }
    cmd.addAll(List.of("-f", pom.toString(), COPY_GOAL, "-DoutputDirectory=" + staging, "-DincludeScope=runtime"));
    Path log = staging.resolve(offline ? "mvn-offline.log" : "mvn-online.log");
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      return "maven=" + maven + " error=not-runnable";
    }
    try {
      if (!p.waitFor(MAVEN_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return "maven-timeout-minutes=" + MAVEN_MINUTES;
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    if (p.exitValue() == 0 && Files.isRegularFile(staging.resolve(BROKER_JAR))) {
      Files.delete(log);
      return null;
    }
    String tail = Files.readString(log, StandardCharsets.UTF_8).strip();
    return "maven-exit=" + p.exitValue() + " log-tail=" + tail.substring(Math.max(0, tail.length() - 300)).replace('\n', ' ');
  }

  private static List<Path> jars(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
