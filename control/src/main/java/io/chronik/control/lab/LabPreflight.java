package io.chronik.control.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the lab needs from the machine: root, network namespaces, and four Debian packages. */
public final class LabPreflight {
  /** Program → Debian package providing it. */
  static final Map<String, String> TOOLS = Map.of(
      "/usr/sbin/ip", "iproute2", "/usr/sbin/iptables", "iptables",
      Lab.SSHD, "openssh-server", "/usr/bin/ssh-keygen", "openssh-client",
      // the clock faults' brokers run under its libfaketime (db.FakeClock); the package brings the library
      "/usr/bin/faketime", "faketime");

  private LabPreflight() {}

  /** Whether this process runs as root. */
  public static boolean root() {
    return LocalCommand.run("id", "-u").stdout().strip().equals("0");
  }

  /** The Debian packages whose programs the lab needs and this machine lacks, sorted. */
  public static List<String> missingPackages() {
    List<String> missing = new ArrayList<>();
    TOOLS.forEach((program, pkg) -> {
      if (!Files.isExecutable(Path.of(program)) && !Files.isExecutable(Path.of(program.replace("/usr/sbin", "/sbin")))) {
        missing.add(pkg);
      }
    });
    return missing.stream().sorted().toList();
  }

  /** Why the lab cannot run here, or empty when it can (probes namespace creation for real). */
  public static Optional<String> unavailableReason() {
    if (!root()) {
      return Optional.of("reason=not-root (the lab creates network namespaces)");
    }
    List<String> missing = missingPackages();
    if (!missing.isEmpty()) {
      return Optional.of("reason=missing-packages install=\"apt-get install " + String.join(" ", missing.stream().sorted().toList()) + "\"");
    }
    String probe = "chronik-probe-" + ProcessHandle.current().pid();
    LocalCommand.Result add = LocalCommand.run("ip", "netns", "add", probe);
    if (!add.ok()) {
      return Optional.of("reason=netns-unsupported stderr=" + LocalCommand.tail(add.stderr().strip()));
    }
    LocalCommand.run("ip", "netns", "del", probe).orThrow();
    return Optional.empty();
  }

  static void requireRootAndTools() {
    unavailableReason().ifPresent(reason -> {
      throw new LabException("lab=unavailable " + reason);
    });
  }
}
