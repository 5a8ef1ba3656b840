package io.chronik.control.nemesis;

import java.util.Locale;

/** Where a run's brokers live, which decides the faults it can inject. */
public enum Site {
  /** Broker processes on this machine (no --hosts): no separate network, so no partitions. */
  LOCAL,
  /** Network-namespace hosts of the local lab (--hosts lab:N), reached over SSH. */
  LAB,
  /** Real machines of an inventory (--hosts inventory:FILE), reached over SSH. */
  VMS;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
