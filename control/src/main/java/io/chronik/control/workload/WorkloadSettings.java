package io.chronik.control.workload;

import java.nio.file.Path;

/**
 * The run options a workload is built from (as given to {@code chronik test}).
 *
 * @param consumers the kafka workload's live consumers
 * @param subscribe the kafka workload's consumers join a group (subscribe) instead of assigning every partition
 * @param clientProcesses run the workload's clients as separate processes (what client faults kill)
 * @param runDir the run folder (client processes' logs go to {@code clients/} in it)
 */
public record WorkloadSettings(int partitions, int producers, int clients, String acks, int consumers,
    boolean subscribe, boolean clientProcesses, Path runDir) {
  /** One assigning consumer, clients as threads of the control node. */
  public WorkloadSettings(int partitions, int producers, int clients, String acks) {
    this(partitions, producers, clients, acks, 1, false, false, Path.of("."));
  }
}
