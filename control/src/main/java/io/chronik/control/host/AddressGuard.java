package io.chronik.control.host;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one gate every outgoing connection and command target passes through. The control node kills,
 * partitions and wipes what it reaches, so it must never reach anything it was not given: an address
 * is allowed only if it is an inventory host, inside a subnet the inventory declares (the lab's), or,
 * when enabled for local test hosts, loopback. Everything else, including IPv6 and unresolved names,
 * is refused with {@link GuardViolation}.
 */
public final class AddressGuard {
  private final Set<InetAddress> hostAddresses;
  private final List<Cidr> subnets;
  private final boolean loopbackAllowed;

  public AddressGuard(Inventory inventory, boolean loopbackAllowed) {
    this.hostAddresses = inventory.hosts().stream().map(Host::address).collect(Collectors.toUnmodifiableSet());
    this.subnets = inventory.subnets();
    this.loopbackAllowed = loopbackAllowed;
  }

  /** Returns the address if allowed; throws {@link GuardViolation} otherwise. */
  public Inet4Address check(InetAddress address) {
    if (!(address instanceof Inet4Address v4)) {
      throw new GuardViolation("address=" + address.getHostAddress() + " reason=not-ipv4");
    }
    if (v4.isLoopbackAddress()) {
      if (loopbackAllowed) {
        return v4;
      }
      throw new GuardViolation("address=" + v4.getHostAddress() + " reason=loopback-not-allowed");
    }
    if (hostAddresses.contains(v4)) {
      return v4;
    }
    for (Cidr subnet : subnets) {
      if (subnet.contains(v4)) {
        return v4;
      }
    }
    throw new GuardViolation("address=" + v4.getHostAddress() + " reason=not-in-inventory-or-lab");
  }

  /** Checks a socket address; an unresolved name is refused rather than looked up behind our back. */
  public InetSocketAddress check(InetSocketAddress target) {
    if (target.isUnresolved()) {
      throw new GuardViolation("address=" + target.getHostString() + " reason=unresolved-name");
    }
    check(target.getAddress());
    return target;
  }

  /** Checks a host string such as a Kafka bootstrap entry; only IPv4 literals pass. */
  public Inet4Address check(String literal) {
    try {
      return check(Cidr.parseLiteral(literal));
    } catch (IllegalArgumentException e) {
      throw new GuardViolation("address=" + literal + " reason=not-an-ipv4-literal");
    }
  }

  public Inet4Address check(Host host) {
    return check(host.address());
  }
}
