package io.chronik.control.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoutedNetworksTest {

  @Test
  void routesSkipDefaultAndReadTypedEntries() {
    var routes = RoutedNetworks.parseRoutes("""
        default via 192.0.2.1 dev eth0
        192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
        local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1
        broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src 192.0.2.2
        10.8.0.0/16 via 192.0.2.9 dev eth0
        """);
    assertThat(routes).containsExactly(Cidr.parse("192.0.2.0/24"), Cidr.parse("127.0.0.0/8"),
        Cidr.parse("192.0.2.255/32"), Cidr.parse("10.8.0.0/16"));
  }

  @Test
  void addressesAreReadWithTheirPrefix() {
    var addrs = RoutedNetworks.parseAddresses("""
        1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
        2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever
        """);
    assertThat(addrs).containsExactly(Cidr.parse("127.0.0.0/8"), Cidr.parse("192.0.2.0/24"));
  }

  @Test
  void labSubnetOverlappingARouteIsFoundButADisjointOneIsNot() {
    var inUse = RoutedNetworks.parseRoutes("10.8.0.0/16 via 192.0.2.9 dev eth0\n198.18.0.0/15 dev tun0\n");
    assertThat(RoutedNetworks.firstOverlap(Cidr.parse("198.18.100.0/24"), inUse)).contains(Cidr.parse("198.18.0.0/15"));
    assertThat(RoutedNetworks.firstOverlap(Cidr.parse("10.8.200.0/24"), inUse)).contains(Cidr.parse("10.8.0.0/16"));
    assertThat(RoutedNetworks.firstOverlap(Cidr.parse("10.9.0.0/24"), inUse)).isEmpty();
  }

  @Test
  void cidrArithmetic() {
    Cidr lab = Cidr.parse("198.18.100.7/24");
    assertThat(lab.toString()).isEqualTo("198.18.100.0/24");
    assertThat(lab.host(11).getHostAddress()).isEqualTo("198.18.100.11");
    assertThat(lab.contains(Cidr.parseLiteral("198.18.100.255"))).isTrue();
    assertThat(lab.contains(Cidr.parseLiteral("198.18.101.0"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").overlaps(lab)).isTrue();
  }
}
