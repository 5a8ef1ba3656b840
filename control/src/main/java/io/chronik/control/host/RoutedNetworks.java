package io.chronik.control.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The IPv4 networks already in use on this machine: every route in every table (except default
 * routes, which cover everything and would forbid any lab) and every interface address. A lab subnet
 * must overlap none of them, or lab traffic would shadow or be shadowed by the machine's own.
 *
 * <p>Parses the one-line text of {@code ip -4 -o addr show} and {@code ip -4 route show table all}
 * rather than {@code ip -j}: the control module has no JSON library and the text forms are stable.
 */
public final class RoutedNetworks {
  private static final Set<String> ROUTE_TYPES = Set.of("unicast", "local", "broadcast", "multicast",
      "blackhole", "unreachable", "prohibit", "throw", "nat", "anycast");

  private RoutedNetworks() {}

  /** Parses route lines; returns the destination networks, skipping default routes. */
  public static List<Cidr> parseRoutes(String ipRouteOutput) {
    List<Cidr> out = new ArrayList<>();
    for (String line : ipRouteOutput.split("\n")) {
      String[] tokens = line.strip().split("\\s+");
      if (tokens.length == 0 || tokens[0].isEmpty()) {
        continue;
      }
      String dst = ROUTE_TYPES.contains(tokens[0]) && tokens.length > 1 ? tokens[1] : tokens[0];
      parseNetwork(dst).ifPresent(out::add);
    }
    return out;
  }

  /** Parses {@code ip -4 -o addr show} lines, e.g. {@code 2: eth0 inet 192.0.2.2/24 brd ... }. */
  public static List<Cidr> parseAddresses(String ipAddrOutput) {
    List<Cidr> out = new ArrayList<>();
    for (String line : ipAddrOutput.split("\n")) {
      String[] tokens = line.strip().split("\\s+");
      for (int i = 0; i + 1 < tokens.length; i++) {
        if (tokens[i].equals("inet")) {
          parseNetwork(tokens[i + 1]).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  private static Optional<Cidr> parseNetwork(String token) {
    if (token.equals("default") || token.equals("0.0.0.0/0")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Cidr.parse(token));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The first network in {@code inUse} that {@code candidate} overlaps, if any. */
  public static Optional<Cidr> firstOverlap(Cidr candidate, List<Cidr> inUse) {
    return inUse.stream().filter(candidate::overlaps).findFirst();
  }
}
