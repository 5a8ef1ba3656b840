package io.chronik.control.run;

import io.chronik.control.host.ReadyProbe;
import io.chronik.control.nemesis.ClientFleet;
import io.chronik.control.nemesis.Grudge;
import io.chronik.control.nemesis.Testbed;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Faults on the broker processes of a local run (node nI is the i-th broker): signals to the pids
 * this run started. The processes share loopback, so network faults are refused (the registry
 * never selects them for the local site).
 */
final class LocalTestbed implements Testbed {
  private static final Duration START = Duration.ofSeconds(60);

  private final List<LocalBroker> brokers;
  private final ClientFleet clients;

  LocalTestbed(List<LocalBroker> brokers, ClientFleet clients) {
    this.brokers = List.copyOf(brokers);
    this.clients = clients;
  }

  @Override
  public ClientFleet clients() {
    return clients;
  }

  /** Node names of the brokers: n1, n2, ... */
  List<String> nodes() {
    return java.util.stream.IntStream.rangeClosed(1, brokers.size()).mapToObj(i -> "n" + i).toList();
  }

  @Override
  public void kill(String node) {
    try {
      broker(node).kill();
    } catch (InterruptedException e) {
      throw interrupted(node, e);
    }
  }

  @Override
  public void start(String node) {
    LocalBroker b = broker(node);
    try {
      if (!b.isRunning()) {
        b.start(START);
      }
    } catch (InterruptedException e) {
      throw interrupted(node, e);
    } catch (IOException e) {
      throw new IllegalStateException("node=" + node + " reason=start-failed error=" + e.getMessage(), e);
    }
  }

  @Override
  public void stop(String node) {
    try {
      broker(node).stop();
    } catch (InterruptedException e) {
      throw interrupted(node, e);
    }
  }

  @Override
  public void awaitReady(String node) {
    try {
      ReadyProbe.awaitLoopback(broker(node).adminPort(), START);
    } catch (InterruptedException e) {
      throw interrupted(node, e);
    }
  }

  @Override
  public void pause(String node) {
    try {
      broker(node).pause();
    } catch (InterruptedException e) {
      throw interrupted(node, e);
    } catch (IOException e) {
      throw new IllegalStateException("node=" + node + " reason=pause-failed error=" + e.getMessage(), e);
    }
  }

  @Override
  public void resume(String node) {
    LocalBroker b = broker(node);
    try {
      if (b.isPaused()) {
        b.resume();
      }
    } catch (InterruptedException e) {
      throw interrupted(node, e);
    } catch (IOException e) {
      throw new IllegalStateException("node=" + node + " reason=resume-failed error=" + e.getMessage(), e);
    }
  }

  @Override
  public void wipe(String node) {
    try {
      broker(node).wipe();
    } catch (IOException e) {
      throw new IllegalStateException("node=" + node + " reason=wipe-failed error=" + e.getMessage(), e);
    }
  }

  @Override
  public void partition(Grudge grudge) {
    throw networkFault("partition");
  }

  @Override
  public void cutFromClients(List<String> nodes) {
    throw networkFault("client-cut");
  }

  @Override
  public void dropPackets(List<String> nodes, double probability) {
    throw networkFault("packet-loss");
  }

  @Override
  public void limitBandwidth(List<String> nodes, int kbit) {
    throw networkFault("bandwidth");
  }

  @Override
  public void healNetwork() {
    // nothing to heal: local runs never change the network
  }

  @Override
  public String leader() {
    throw networkFault("leader");
  }

  private LocalBroker broker(String node) {
    int i = node.startsWith("n") ? Integer.parseInt(node.substring(1)) - 1 : -1;
    if (i < 0 || i >= brokers.size()) {
      throw new IllegalArgumentException("node=" + node + " reason=not-in-cluster nodes=" + nodes());
    }
    return brokers.get(i);
  }

  private static IllegalStateException interrupted(String node, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new IllegalStateException("node=" + node + " reason=interrupted", e);
  }

  private static UnsupportedOperationException networkFault(String what) {
    return new UnsupportedOperationException("fault=" + what + " site=local reason=needs-hosts (--hosts lab:N)");
  }
}
