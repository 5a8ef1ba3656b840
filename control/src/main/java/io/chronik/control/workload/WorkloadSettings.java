package io.chronik.control.workload;

/** The run options a workload is built from (as given to {@code chronik test}). */
public record WorkloadSettings(int partitions, int producers, int clients, String acks) {}
