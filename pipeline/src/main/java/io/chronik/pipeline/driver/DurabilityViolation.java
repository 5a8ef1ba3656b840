package io.chronik.pipeline.driver;

/** A commit beyond this node's durable index: thrown before anything of the Ready is applied or acknowledged. */
final class DurabilityViolation extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  DurabilityViolation(String message) {
    super(message);
  }
}
