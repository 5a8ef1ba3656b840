package io.chronik.broker.simulation;

import java.util.SplittableRandom;

/**
 * One seed's producer behaviour (drawn from its own random stream, like {@link RetentionShape}, so the
 * seed's swarm, faults and retention stay as they were before pipelining and epochs came in).
 *
 * @param inFlight batches each producer keeps outstanding, 1..5 (Kafka's max.in.flight.requests.per.connection
 *     for an idempotent producer); 1 on a fifth of the seeds, the one-batch producer of before
 * @param bumpShare share of a producer's resend rounds (a request timed out or an answer was retriable) at
 *     which it instead hits a fatal error, gives up its outstanding batches and bumps its epoch; 0 for a
 *     third of the seeds
 */
record ProducerShape(int inFlight, double bumpShare) {

  static ProducerShape draw(SplittableRandom random) {
    int inFlight = 1 + random.nextInt(5);
    double bumpShare = random.nextInt(3) == 0 ? 0 : 0.01 + random.nextDouble() * 0.15;
    return new ProducerShape(inFlight, bumpShare);
  }

  @Override
  public String toString() {
    return "inFlight=" + inFlight + String.format(" bumpShare=%.3f", bumpShare);
  }
}
