package io.chronik.control.host;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hosts the control node may reach, read from a plain-text file:
 *
 * <pre>
 * # name  address      options (key=value, all optional)
 * n1      10.0.3.11    user=admin port=22 key=~/.ssh/chronik known-hosts=~/.ssh/known_hosts sudo=true service=systemd home=/opt/chronik
 * subnet  198.18.100.0/24
 * </pre>
 *
 * Defaults: user=root, port=22, no key (sshj then tries ~/.ssh defaults), known-hosts=~/.ssh/known_hosts,
 * sudo=false, service=systemd, home=/opt/chronik. A {@code subnet} line declares a network the control
 * node owns (the lab writes one); every address in it may be reached. Addresses must be IPv4 literals
 * so the guard never depends on a name lookup.
 */
public record Inventory(List<Host> hosts, List<Cidr> subnets) {

  public static final String DEFAULT_HOME = "/opt/chronik";

  public Inventory {
    hosts = List.copyOf(hosts);
    subnets = List.copyOf(subnets);
    Set<String> names = new LinkedHashSet<>();
    for (Host host : hosts) {
      if (!names.add(host.name())) {
        throw new IllegalArgumentException("host=" + host.name() + " reason=duplicate-name");
      }
    }
  }

  public static Inventory read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  public static Inventory parse(String text, String source) {
    List<Host> hosts = new ArrayList<>();
    List<Cidr> subnets = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\\s+");
      try {
        if (fields[0].equals("subnet")) {
          if (fields.length != 2) {
            throw new IllegalArgumentException("reason=subnet-line-takes-one-cidr");
          }
          subnets.add(Cidr.parse(fields[1]));
        } else {
          hosts.add(parseHost(fields));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("inventory=" + source + " line=" + (i + 1) + " " + e.getMessage(), e);
      }
    }
    return new Inventory(hosts, subnets);
  }

  private static Host parseHost(String[] fields) {
    if (fields.length < 2) {
      throw new IllegalArgumentException("host=" + fields[0] + " reason=missing-address");
    }
    Inet4Address address = Cidr.parseLiteral(fields[1]);
    Map<String, String> options = new HashMap<>();
    for (int f = 2; f < fields.length; f++) {
      int eq = fields[f].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("field=" + fields[f] + " reason=expected-key=value");
      }
      String key = fields[f].substring(0, eq);
      if (!Set.of("user", "port", "key", "known-hosts", "sudo", "service", "home", "netns").contains(key)) {
        throw new IllegalArgumentException("key=" + key + " reason=unknown-option");
      }
      options.put(key, fields[f].substring(eq + 1));
    }
    int port = Integer.parseInt(options.getOrDefault("port", "22"));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port=" + port + " reason=out-of-range");
    }
    String sudo = options.getOrDefault("sudo", "false");
    if (!sudo.equals("true") && !sudo.equals("false")) {
      throw new IllegalArgumentException("sudo=" + sudo + " reason=expected-true-or-false");
    }
    return new Host(fields[0], address, options.getOrDefault("user", "root"), port,
        Optional.ofNullable(options.get("key")).map(Inventory::expandHome),
        Optional.of(expandHome(options.getOrDefault("known-hosts", "~/.ssh/known_hosts"))),
        Boolean.parseBoolean(sudo), ServiceManager.parse(options.getOrDefault("service", "systemd")),
        options.getOrDefault("home", DEFAULT_HOME), Optional.ofNullable(options.get("netns")));
  }

  static Path expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + path.substring(1));
    }
    return Path.of(path);
  }

  /** Writes this inventory in the format {@link #parse} reads. */
  public String render() {
    StringBuilder out = new StringBuilder("# chronik inventory\n");
    for (Cidr subnet : subnets) {
      out.append("subnet ").append(subnet).append('\n');
    }
    for (Host h : hosts) {
      out.append(h.name()).append(' ').append(h.address().getHostAddress())
          .append(" user=").append(h.user()).append(" port=").append(h.sshPort());
      h.privateKey().ifPresent(k -> out.append(" key=").append(k));
      h.knownHosts().ifPresent(k -> out.append(" known-hosts=").append(k));
      out.append(" sudo=").append(h.sudo())
          .append(" service=").append(h.service().name().toLowerCase(java.util.Locale.ROOT))
          .append(" home=").append(h.homeDir());
      h.netns().ifPresent(n -> out.append(" netns=").append(n));
      out.append('\n');
    }
    return out.toString();
  }

  public Host host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("host=" + name + " reason=not-in-inventory"));
  }
}
