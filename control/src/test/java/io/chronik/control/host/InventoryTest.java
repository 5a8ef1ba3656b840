package io.chronik.control.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InventoryTest {

  @Test
  void parsesHostsOptionsDefaultsCommentsAndSubnets() {
    Inventory inv = Inventory.parse("""
        # real VMs
        n1 10.0.3.11 user=admin port=2222 key=/keys/id sudo=true service=systemd  # first
        n2 10.0.3.12

        subnet 198.18.100.0/24
        """, "test");
    assertThat(inv.hosts()).hasSize(2);
    Host n1 = inv.host("n1");
    assertThat(n1.user()).isEqualTo("admin");
    assertThat(n1.sshPort()).isEqualTo(2222);
    assertThat(n1.privateKey()).contains(Path.of("/keys/id"));
    assertThat(n1.sudo()).isTrue();
    assertThat(n1.service()).isEqualTo(ServiceManager.SYSTEMD);
    Host n2 = inv.host("n2");
    assertThat(n2.user()).isEqualTo("root");
    assertThat(n2.sshPort()).isEqualTo(22);
    assertThat(n2.sudo()).isFalse();
    assertThat(n2.homeDir()).isEqualTo(Inventory.DEFAULT_HOME);
    assertThat(inv.subnets()).containsExactly(Cidr.parse("198.18.100.0/24"));
  }

  @Test
  void renderedInventoryParsesBackToTheSameHosts() {
    Inventory inv = Inventory.parse("""
        subnet 198.18.100.0/24
        n1 198.18.100.11 user=root port=22 key=/lab/id known-hosts=/lab/kh sudo=false service=pidfile home=/lab/n1 netns=chronik-n1
        """, "test");
    assertThat(Inventory.parse(inv.render(), "rendered")).isEqualTo(inv);
  }

  @Test
  void rejectsMalformedLinesNamingFileAndLine() {
    assertThatThrownBy(() -> Inventory.parse("n1 10.0.3.11\nn2 10.0.3.300\n", "inv.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inventory=inv.txt line=2").hasMessageContaining("octet-out-of-range");
    assertThatThrownBy(() -> Inventory.parse("n1 10.0.3.11 colour=blue", "i")).hasMessageContaining("unknown-option");
    assertThatThrownBy(() -> Inventory.parse("n1 10.0.3.11 service=upstart", "i")).hasMessageContaining("service=upstart");
    assertThatThrownBy(() -> Inventory.parse("n1 10.0.3.11\nn1 10.0.3.12", "i")).hasMessageContaining("duplicate-name");
    assertThatThrownBy(() -> Inventory.parse("n1 db1.example.com", "i")).hasMessageContaining("not-an-ipv4-literal");
  }
}
