package io.chronik.control.host;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One machine the control node may reach: its name, IPv4 address, how to log in and how it runs the
 * broker. {@code dataDir} and {@code runDir} are remote paths where the broker keeps data and pid files.
 */
public record Host(
    String name,
    Inet4Address address,
    String user,
    int sshPort,
    Optional<Path> privateKey,
    Optional<Path> knownHosts,
    boolean sudo,
    ServiceManager service,
    String homeDir,
    Optional<String> netns) {

  /** The remote directory of the installed distribution, data, logs and pid files. */
  public String installDir() {
    return homeDir;
  }

  /** Prefixes a command with sudo when the host's user needs it for root operations. */
  public String privileged(String command) {
    return sudo ? "sudo -n sh -c " + Shell.quote(command) : command;
  }

  @Override
  public String toString() {
    return name + "(" + user + "@" + address.getHostAddress() + ":" + sshPort + ")";
  }
}
