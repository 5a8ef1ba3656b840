package io.chronik.control.lab;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Installs the lab's missing Debian packages with apt-get, as Jepsen's OS setup does on its nodes, so
 * {@code chronik test --hosts auto} run as root on a fresh Debian machine gets lab hosts (partitions)
 * instead of falling back to local processes. Says what it installs; {@code --no-install} skips it.
 */
public final class LabPackages {
  private static final Duration APT_TIMEOUT = Duration.ofMinutes(10);

  private LabPackages() {}

  /** Whether to install: only as root, only when packages are what is missing, and not with --no-install. */
  public static boolean shouldInstall(boolean root, List<String> missing, boolean noInstall) {
    return root && !missing.isEmpty() && !noInstall;
  }

  /**
   * apt-get install of {@code packages} (after one {@code apt-get update} if the first try fails, e.g.
   * on an image without package lists); returns why it failed, or empty.
   */
  public static Optional<String> install(List<String> packages, PrintStream console) {
    console.printf("chronik test: installing the lab's missing Debian packages: %s (apt-get; --no-install skips this)%n",
        String.join(" ", packages));
    LocalCommand.Result first = apt(packages);
    if (first.ok()) {
      return Optional.empty();
    }
    LocalCommand.Result update = LocalCommand.run(APT_TIMEOUT, List.of("env", "DEBIAN_FRONTEND=noninteractive",
        "apt-get", "update", "-q"));
    if (!update.ok()) {
      return Optional.of("reason=apt-get-update-failed exit=" + update.exitCode() + " stderr="
          + LocalCommand.tail(update.stderr().strip()));
    }
    LocalCommand.Result second = apt(packages);
    return second.ok() ? Optional.empty() : Optional.of("reason=apt-get-install-failed exit=" + second.exitCode()
        + " stderr=" + LocalCommand.tail(second.stderr().strip()));
  }

  private static LocalCommand.Result apt(List<String> packages) {
    List<String> argv = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
        "-q", "--no-install-recommends"));
    argv.addAll(packages);
    return LocalCommand.run(APT_TIMEOUT, argv);
  }
}
