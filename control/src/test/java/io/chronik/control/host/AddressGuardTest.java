package io.chronik.control.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AddressGuardTest {
  private final Inventory inventory = Inventory.parse("""
      n1 10.0.3.11
      n2 10.0.3.12
      subnet 198.18.100.0/24
      """, "test");

  @Test
  void allowsInventoryHostsAndLabSubnet() {
    AddressGuard guard = new AddressGuard(inventory, false);
    assertThat(guard.check("10.0.3.11").getHostAddress()).isEqualTo("10.0.3.11");
    assertThat(guard.check("198.18.100.1").getHostAddress()).isEqualTo("198.18.100.1");
    assertThat(guard.check("198.18.100.254").getHostAddress()).isEqualTo("198.18.100.254");
  }

  @Test
  void refusesNeighboursOfInventoryHostsAndAddressesOutsideTheLab() {
    AddressGuard guard = new AddressGuard(inventory, false);
    assertThatThrownBy(() -> guard.check("10.0.3.13")).isInstanceOf(GuardViolation.class)
        .hasMessageContaining("address=10.0.3.13").hasMessageContaining("reason=not-in-inventory-or-lab");
    assertThatThrownBy(() -> guard.check("198.18.101.1")).isInstanceOf(GuardViolation.class);
    assertThatThrownBy(() -> guard.check("8.8.8.8")).isInstanceOf(GuardViolation.class);
  }

  @Test
  void loopbackOnlyWhenEnabledForLocalTestHosts() {
    assertThatThrownBy(() -> new AddressGuard(inventory, false).check("127.0.0.1"))
        .isInstanceOf(GuardViolation.class).hasMessageContaining("reason=loopback-not-allowed");
    assertThat(new AddressGuard(inventory, true).check("127.0.0.1").isLoopbackAddress()).isTrue();
  }

  @Test
  void refusesNamesIpv6AndUnresolvedSocketAddresses() throws Exception {
    AddressGuard guard = new AddressGuard(inventory, true);
    assertThatThrownBy(() -> guard.check("n1")).isInstanceOf(GuardViolation.class)
        .hasMessageContaining("reason=not-an-ipv4-literal");
    assertThatThrownBy(() -> guard.check(InetAddress.getByName("::1"))).isInstanceOf(GuardViolation.class)
        .hasMessageContaining("reason=not-ipv4");
    assertThatThrownBy(() -> guard.check(InetSocketAddress.createUnresolved("example.com", 9092)))
        .isInstanceOf(GuardViolation.class).hasMessageContaining("reason=unresolved-name");
    assertThat(guard.check(new InetSocketAddress(Cidr.parseLiteral("10.0.3.12"), 9092)).getPort()).isEqualTo(9092);
  }
}
