package io.chronik.verifier.kafka;

/**
 * @param unseenIsError the run ended with a healed cluster and final polls, so an acknowledged
 *     value that nobody ever read is lost, not merely late
 * @param rebalancesAllowed consumers used {@code :subscribe}, so a consumer may legally skip or
 *     go back on a partition between polls (it was rebalanced); null means "true iff the history
 *     contains a subscribe"
 * @param casesPerTypeMax how many cases of each anomaly type to keep (all are counted)
 */
public record KafkaCheckOptions(boolean unseenIsError, Boolean rebalancesAllowed, int casesPerTypeMax) {
  public static KafkaCheckOptions defaults() {
    return new KafkaCheckOptions(false, null, 32);
  }

  public KafkaCheckOptions withUnseenIsError(boolean v) {
    return new KafkaCheckOptions(v, rebalancesAllowed, casesPerTypeMax);
  }
}
