package io.chronik.broker.api;

import org.apache.kafka.common.protocol.Errors;

/** KIP-320 fencing: a request naming a current leader epoch must match ours (-1 = not checked). */
final class LeaderEpochs {
  private LeaderEpochs() {}

  static Errors check(int requestEpoch, int leaderEpoch) {
    if (requestEpoch < 0 || requestEpoch == leaderEpoch) {
      return Errors.NONE;
    }
    return requestEpoch > leaderEpoch ? Errors.UNKNOWN_LEADER_EPOCH : Errors.FENCED_LEADER_EPOCH;
  }
}
