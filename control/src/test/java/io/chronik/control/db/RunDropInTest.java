package io.chronik.control.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Host;
import io.chronik.control.host.ServiceManager;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunDropInTest {
  @Test
  void theDropInTurnsRestartOffAndReplacesExecStartWithTheRunsQuotedArguments() throws Exception {
    Host vm = new Host("n2", (Inet4Address) InetAddress.getByName("10.0.0.2"), "admin", 22, Optional.empty(),
        Optional.empty(), true, ServiceManager.SYSTEMD, "/home/admin/chronik", Optional.empty());
    String text = RunDropIn.text(vm, List.of("--set", "node.id=1", "--set", "weird=50% $HOME \"q\""),
        List.of("-ea", "-Xmx384m"));
    List<String> lines = text.lines().filter(l -> !l.startsWith("#")).toList();
    assertThat(lines).startsWith("[Service]", "Restart=no", "User=admin");
    // an empty ExecStart= first: a drop-in may only replace, not add to, a simple service's command
    assertThat(lines).containsSubsequence("ExecStart=",
        "ExecStart=/usr/share/chronik/bin/chronik-broker --config /etc/chronik/chronik.properties \"--set\" "
            + "\"node.id=1\" \"--set\" \"weird=50%% $$HOME \\\"q\\\"\"");
    assertThat(lines).contains("Environment=\"CHRONIK_JAVA_OPTS=-ea -Xmx384m\"", "ReadWritePaths=/home/admin/chronik",
        "WorkingDirectory=/home/admin/chronik", "StandardOutput=append:/home/admin/chronik/logs/chronik.log");
  }
}
