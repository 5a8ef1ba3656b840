package io.chronik.raft.node;

/**
 * A confirmed ReadIndex: reads registered with {@code context} are linearizable once the state
 * machine has applied {@code index} (Raft dissertation §6.4).
 */
public record ReadState(long context, long index) {}
