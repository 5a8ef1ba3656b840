package io.chronik.control.lab;

import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code chronik lab up|down|status}: local test hosts in network namespaces, each with its own sshd. */
@Command(name = "lab", description = "Local test hosts: network namespaces on a bridge, each running its own sshd.",
    subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class},
    mixinStandardHelpOptions = true)
public final class LabCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "Lab state directory (default: ${DEFAULT-VALUE}).")
  Path dir = Lab.DEFAULT_DIR;

  @Option(names = "--name", description = "Prefix of namespaces, bridge and veths, 1-8 of [a-z0-9] (default: ${DEFAULT-VALUE}).")
  String name = "chronik";

  @Override
  public Integer call() {
    System.out.println("usage: chronik lab up|down|status (see chronik lab --help)");
    return 2;
  }

  Lab lab() {
    return new Lab(dir, name);
  }

  @Command(name = "up", description = "Create N hosts (namespaces, bridge, sshds) and write the lab inventory.")
  static final class Up implements Callable<Integer> {
    @ParentCommand LabCommand parent;

    @Option(names = "--nodes", defaultValue = "3", description = "Number of hosts (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--subnet", defaultValue = "198.18.100.0/24",
        description = "IPv4 subnet the lab owns; refused if it overlaps any route (default: ${DEFAULT-VALUE}).")
    String subnet;

    @Override
    public Integer call() {
      try {
        Inventory inventory = parent.lab().up(nodes, Cidr.parse(subnet));
        for (Host h : inventory.hosts()) {
          System.out.println(h.name() + " " + h.address().getHostAddress() + " netns=" + h.netns().orElse("-"));
        }
        System.out.println("inventory=" + parent.lab().inventoryFile());
        System.out.println("ssh: ssh -i " + parent.dir.toAbsolutePath().resolve("keys/client_ed25519")
            + " -o UserKnownHostsFile=" + parent.dir.toAbsolutePath().resolve("keys/known_hosts") + " root@"
            + inventory.hosts().get(0).address().getHostAddress());
        return 0;
      } catch (LabException | IllegalArgumentException e) {
        System.err.println("chronik lab up: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "down", description = "Remove exactly what lab up created. Safe to run twice.")
  static final class Down implements Callable<Integer> {
    @ParentCommand LabCommand parent;

    @Override
    public Integer call() {
      try {
        parent.lab().down().forEach(System.out::println);
        return 0;
      } catch (LabException e) {
        System.err.println("chronik lab down: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "status", description = "Show the lab's hosts, their sshds and SSH reachability.")
  static final class Status implements Callable<Integer> {
    @ParentCommand LabCommand parent;

    @Override
    public Integer call() {
      parent.lab().status().forEach(System.out::println);
      return 0;
    }
  }
}
