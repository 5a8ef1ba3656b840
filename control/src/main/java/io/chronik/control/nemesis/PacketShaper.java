package io.chronik.control.nemesis;

import io.chronik.control.host.Host;
import io.chronik.control.ssh.ExecResult;
import io.chronik.control.ssh.SshHosts;
import java.time.Duration;

/**
 * Packet delay and loss with {@code tc netem} on the interface that reaches the other nodes. Kernels
 * without sch_netem (common in containers and minimal VMs) refuse the qdisc; that is reported as
 * {@link Unsupported} naming the host, never ignored.
 */
public final class PacketShaper {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** The kernel on {@code host} cannot do netem. */
  public static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message);
    }
  }

  private final SshHosts ssh;

  public PacketShaper(SshHosts ssh) {
    this.ssh = ssh;
  }

  /** Delays by {@code delayMillis} ± {@code jitterMillis} and drops {@code lossPercent} of packets. */
  public void shape(Host host, Host peer, int delayMillis, int jitterMillis, double lossPercent) {
    String cmd = device(peer) + "tc qdisc replace dev \"$DEV\" root netem delay " + delayMillis + "ms " + jitterMillis
        + "ms loss " + lossPercent + "%";
    ExecResult r = ssh.exec(host, host.privileged(cmd), TIMEOUT);
    if (!r.ok()) {
      if (r.stderr().contains("qdisc kind is unknown") || r.stderr().contains("No such file")) {
        throw new Unsupported("host=" + host.name() + " reason=netem-unsupported-by-kernel stderr=" + r.stderr().strip());
      }
      r.orThrow();
    }
  }

  /**
   * Limits what {@code host} sends on the interface towards {@code peer} to {@code kbit} kbit/s with a
   * token bucket (tc tbf: in every kernel, unlike netem); queued packets wait at most 200 ms, the
   * rest is dropped, as on a saturated link.
   */
  public void limitRate(Host host, Host peer, int kbit) {
    if (kbit < 8) {
      throw new IllegalArgumentException("kbit=" + kbit + " reason=expected-at-least-8");
    }
    // burst: at least one MTU-sized packet, else tbf can never send a full frame
    int burstBytes = Math.max(3_000, kbit * 1000 / 8 / 100);
    String cmd = device(peer) + "tc qdisc replace dev \"$DEV\" root tbf rate " + kbit + "kbit burst " + burstBytes
        + " latency 200ms";
    ssh.run(host, host.privileged(cmd), TIMEOUT);
  }

  /** Whether {@code host}'s kernel accepts a netem qdisc (probed on loopback, then removed). */
  public boolean supported(Host host) {
    ExecResult r = ssh.exec(host, host.privileged("tc qdisc add dev lo root netem delay 0ms && tc qdisc del dev lo root"),
        TIMEOUT);
    return r.ok();
  }

  /** Removes the root qdisc we installed; a no-op if none. */
  public void clear(Host host, Host peer) {
    ssh.exec(host, host.privileged(device(peer) + "tc qdisc del dev \"$DEV\" root 2>/dev/null; true"), TIMEOUT);
  }

  private static String device(Host peer) {
    return "DEV=$(ip -o route get " + peer.address().getHostAddress()
        + " | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p') && [ -n \"$DEV\" ] && ";
  }
}
