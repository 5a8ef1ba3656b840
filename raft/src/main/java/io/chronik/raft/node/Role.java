package io.chronik.raft.node;

/** A node's role in its current term. */
public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }
