package io.chronik.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Version, commit and runtime of this build, read from the properties Maven wrote at build time. */
public final class BuildInfo implements IVersionProvider {

  static Properties gitProperties() {
    Properties props = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("git.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading git.properties failed", e);
    }
    return props;
  }

  static String describe() {
    Properties git = gitProperties();
    String version = git.getProperty("git.build.version", "unknown");
    String commit = git.getProperty("git.commit.id.abbrev", "unknown");
    String dirty = Boolean.parseBoolean(git.getProperty("git.dirty", "false")) ? "-dirty" : "";
    return "chronik " + version
        + "\ncommit " + commit + dirty
        + "\njava " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
  }

  @Override
  public String[] getVersion() {
    return describe().split("\n");
  }
}
