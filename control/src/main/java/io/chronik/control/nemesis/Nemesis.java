package io.chronik.control.nemesis;

import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link FaultPlan} steps to a {@link Testbed} and records each start and heal as an
 * invoke/info pair ({@code :start-<fault>} with the injection's targets, {@code :stop-<fault>}).
 * A fault that fails to apply is recorded with its error and the run goes on (Jepsen does the same:
 * a nemesis failure is information, not a verdict). {@link #healAll} is the final heal.
 */
public final class Nemesis {
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);

  private final Testbed bed;
  private final List<String> nodes;
  private final NemesisRecorder recorder;
  private final LongSupplier nanoClock;

  public Nemesis(Testbed bed, List<String> nodes, NemesisRecorder recorder, LongSupplier nanoClock) {
    this.bed = bed;
    this.nodes = List.copyOf(nodes);
    this.recorder = recorder;
    this.nanoClock = nanoClock;
  }

  /** Puts the step's fault in place; returns the injection as resolved (the one to heal). */
  public Injection start(FaultPlan.Step step) {
    Fault fault = step.fault();
    String f = "start-" + fault.name();
    Injection injection = step.injection();
    RuntimeException unresolved = null;
    try {
      injection = fault.resolve(injection, bed);
    } catch (RuntimeException e) {
      unresolved = e; // recorded below as a failed start with the targets as picked
    }
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "invoke", f, injection.edn()));
    String result;
    try {
      if (unresolved != null) {
        throw unresolved;
      }
      result = fault.start(injection, bed);
    } catch (RuntimeException e) {
      LOG.warn("nemesis f={} reason=failed error={}", f, e.getMessage());
      result = "error=" + e.getMessage();
    }
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "info", f, result));
    return injection;
  }

  /** Heals what {@link #start} put in place. */
  public void heal(FaultPlan.Step step, Injection injection) {
    Fault fault = step.fault();
    String f = "stop-" + fault.name();
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "invoke", f, injection.edn()));
    String result;
    try {
      result = fault.heal(injection, bed);
    } catch (RuntimeException e) {
      LOG.warn("nemesis f={} reason=failed error={}", f, e.getMessage());
      result = "error=" + e.getMessage();
    }
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "info", f, result));
  }

  /** Final heal: every partition and cut removed, every node resumed and running. */
  public void healAll() {
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "invoke", "heal-all", ""));
    bed.healAll(nodes);
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "info", "heal-all", "healed"));
  }
}
