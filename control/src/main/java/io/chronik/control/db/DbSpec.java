package io.chronik.control.db;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to install and run on each host. {@code files} are uploaded to {@code <home>/<remote>};
 * {@code configFiles} are written as text to {@code <home>/conf/<name>}; {@code command} is the
 * server command line, where {@code @HOME@} stands for the host's install directory and
 * {@code @HOST@} for its name and {@code @ADDRESS@} for its address. {@code hostVariables} adds
 * per-host placeholders (host name → placeholder → value, e.g. {@code n2 → @NODE_ID@ → 1}).
 * {@code port} is where a healthy server accepts TCP connections. {@code packaged} is how systemd
 * hosts run it: from the Debian package (null: such hosts are refused).
 */
public record DbSpec(String name, List<Upload> files, String command, int port, Map<String, String> configFiles,
    Map<String, Map<String, String>> hostVariables, Packaged packaged) {

  /** One local file and its path relative to the install directory. */
  public record Upload(Path local, String remote) {}

  /**
   * The .deb that systemd hosts install, and how the run starts its unit: {@code arguments} for the
   * package's launcher and {@code javaOptions} for its JVM, both with the same placeholders as
   * {@code command}.
   */
  public record Packaged(Path deb, List<String> arguments, List<String> javaOptions) {
    public Packaged {
      arguments = List.copyOf(arguments);
      javaOptions = List.copyOf(javaOptions);
    }
  }

  public DbSpec {
    if (!name.matches("[a-z][a-z0-9-]{0,30}")) {
      throw new IllegalArgumentException("db-name=" + name + " reason=expected-lowercase-word");
    }
    files = List.copyOf(files);
    configFiles = Map.copyOf(configFiles);
    Map<String, Map<String, String>> vars = new java.util.HashMap<>();
    hostVariables.forEach((host, m) -> vars.put(host, Map.copyOf(m)));
    hostVariables = Map.copyOf(vars);
  }

  /** A spec for lab (pid-file) hosts only. */
  public DbSpec(String name, List<Upload> files, String command, int port, Map<String, String> configFiles,
      Map<String, Map<String, String>> hostVariables) {
    this(name, files, command, port, configFiles, hostVariables, null);
  }

  /** A spec with no per-host placeholders, for lab (pid-file) hosts only. */
  public DbSpec(String name, List<Upload> files, String command, int port, Map<String, String> configFiles) {
    this(name, files, command, port, configFiles, Map.of());
  }

  /** The same spec, run on systemd hosts from {@code packaged}. */
  public DbSpec withPackage(Packaged p) {
    return new DbSpec(name, files, command, port, configFiles, hostVariables, p);
  }
}
